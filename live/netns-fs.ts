import type { CommandRunner } from "./command-runner.js";
import type { TextFs } from "./host-fs.js";
import { HostFsError } from "./host-fs-error.js";
import { WriteRefusedError } from "./write-allow-list.js";

/**
 * The sysctls of a named network namespace (`ip netns add NAME` → /run/netns/NAME). Node cannot
 * setns(2), and /proc/sys/net shows the namespace of the process that opens it, so each access
 * runs a program inside the namespace through `nsenter --net=`: cat and test to read, a small
 * Node program to write, which reports the real errno (unlike `sysctl -w`, which prints an error
 * and still exits 0 in a netns).
 */
export class NetnsFs implements TextFs {
  constructor(
    readonly name: string,
    private readonly runner: CommandRunner,
    private readonly nodePath: string = process.execPath,
    private readonly netnsDir = "/run/netns",
  ) {
    if (!/^[\w.-]{1,64}$/.test(name) || name === "." || name === "..") {
      throw new WriteRefusedError(`${netnsDir}/${name}`, "not a network namespace name");
    }
  }

  /** /proc/sys for the knobs; for reading also the TCP counters, which /proc/net shows per namespace. */
  private check(path: string, access: "read" | "write" = "write"): void {
    const reachable = path.startsWith("/proc/sys/") || (access === "read" && NAMESPACE_COUNTERS.includes(path));
    if (!reachable || path.split("/").includes("..")) {
      const where = access === "read" ? `/proc/sys and ${NAMESPACE_COUNTERS.join(", ")} are` : "only /proc/sys is";
      throw new WriteRefusedError(path, `${where} reachable inside network namespace ${this.name}`);
    }
  }

  private run(program: string[]) {
    return this.runner.run("nsenter", [`--net=${this.netnsDir}/${this.name}`, "--", ...program]);
  }

  private failure(op: "read" | "write", path: string, stderr: string, code: number | null): HostFsError {
    const detail = stderr.trim().split("\n")[0] || `exited with ${code}`;
    const errno = /No such file/.test(detail)
      ? "ENOENT"
      : /Operation not permitted/.test(detail)
        ? "EPERM"
        : /Permission denied/.test(detail)
          ? "EACCES"
          : "EIO";
    return new HostFsError(op, path, errno, `in netns ${this.name}: ${detail}`);
  }

  /** Reads with cat: a few ms, where starting Node in the namespace costs a hundred or more. */
  async readText(path: string): Promise<string> {
    this.check(path, "read");
    const result = await this.run(["cat", path]);
    if (result.code !== 0) throw this.failure("read", path, result.stderr, result.code);
    return result.stdout;
  }

  async exists(path: string): Promise<boolean> {
    this.check(path, "read");
    const result = await this.run(["test", "-e", path]);
    if (result.code === 0) return true;
    // test answers "no" with status 1 and says nothing; nsenter failing to enter (not root) is
    // status 1 too, with its reason on stderr.
    if (result.code === 1 && result.stderr.trim() === "") return false;
    throw this.failure("read", path, result.stderr, result.code);
  }

  async checkWritable(path: string): Promise<void> {
    this.check(path);
    const result = await this.run(["test", "-w", path]);
    if (result.code === 1 && result.stderr.trim() === "")
      throw new HostFsError("write", path, "EACCES", `not writable in netns ${this.name}`);
    if (result.code !== 0) throw this.failure("write", path, result.stderr, result.code);
  }

  /** Writes with a small Node program, which reports the kernel's errno exactly (a shell says "I/O error"). */
  async writeText(path: string, text: string): Promise<void> {
    this.check(path);
    const result = await this.run([this.nodePath, "-e", NETNS_WRITE, path, text]);
    let reply: { ok: boolean; code?: string; message?: string };
    try {
      reply = JSON.parse(result.stdout);
    } catch {
      throw this.failure("write", path, result.stderr, result.code);
    }
    if (!reply.ok)
      throw new HostFsError("write", path, reply.code ?? "EIO", `in netns ${this.name}: ${reply.message ?? "failed"}`);
  }
}

/** The namespace's own TCP counters: /proc/net follows the network namespace of the reader. */
export const NAMESPACE_COUNTERS: readonly string[] = ["/proc/net/snmp", "/proc/net/netstat"];

/** Runs inside the namespace: one write, the result as JSON on stdout. */
const NETNS_WRITE = `
const fs = require("node:fs");
const [path, value] = process.argv.slice(1);
const reply = (body) => process.stdout.write(JSON.stringify(body));
try {
  const fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_TRUNC);
  try { fs.writeSync(fd, value); } finally { fs.closeSync(fd); }
  reply({ ok: true });
} catch (error) {
  reply({ ok: false, code: error.code || "EIO", message: String(error.message).replace(/^\\w+: /, "") });
}
`;
