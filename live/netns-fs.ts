import type { CommandRunner } from "./command-runner.js";
import type { TextFs } from "./host-fs.js";
import { HostFsError } from "./host-fs-error.js";
import { WriteRefusedError } from "./write-allow-list.js";

/**
 * The sysctls of a named network namespace (`ip netns add NAME` → /run/netns/NAME). Node cannot
 * setns(2), and /proc/sys/net shows the namespace of the process that opens it, so each access
 * runs a small Node program inside the namespace through `nsenter --net=`, which reports the
 * real errno (unlike `sysctl -w`, which prints an error and still exits 0 in a netns).
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

  private async call(op: "read" | "write" | "exists" | "writable", path: string, value = ""): Promise<string> {
    if (!path.startsWith("/proc/sys/") || path.split("/").includes("..")) {
      throw new WriteRefusedError(path, `only /proc/sys is reachable inside network namespace ${this.name}`);
    }
    const result = await this.runner.run("nsenter", [
      `--net=${this.netnsDir}/${this.name}`,
      "--",
      this.nodePath,
      "-e",
      NETNS_SCRIPT,
      op,
      path,
      value,
    ]);
    let reply: { ok: boolean; text?: string; code?: string; message?: string };
    try {
      reply = JSON.parse(result.stdout);
    } catch {
      const detail = result.stderr.trim().split("\n")[0] || `nsenter exited with ${result.code}`;
      const code = /No such file/.test(detail) ? "ENOENT" : /Operation not permitted/.test(detail) ? "EPERM" : "EIO";
      throw new HostFsError(op === "write" ? "write" : "read", path, code, `in netns ${this.name}: ${detail}`);
    }
    if (!reply.ok) {
      throw new HostFsError(
        op === "write" || op === "writable" ? "write" : "read",
        path,
        reply.code ?? "EIO",
        `in netns ${this.name}: ${reply.message ?? "failed"}`,
      );
    }
    return reply.text ?? "";
  }

  readText(path: string): Promise<string> {
    return this.call("read", path);
  }

  async exists(path: string): Promise<boolean> {
    return (await this.call("exists", path)) === "yes";
  }

  async checkWritable(path: string): Promise<void> {
    await this.call("writable", path);
  }

  async writeText(path: string, text: string): Promise<void> {
    await this.call("write", path, text);
  }
}

/** Runs inside the namespace: one file operation, the result as JSON on stdout. */
const NETNS_SCRIPT = `
const fs = require("node:fs");
const [op, path, value] = process.argv.slice(1);
const reply = (body) => process.stdout.write(JSON.stringify(body));
try {
  if (op === "read") reply({ ok: true, text: fs.readFileSync(path, "utf8") });
  else if (op === "exists") reply({ ok: true, text: fs.existsSync(path) ? "yes" : "no" });
  else if (op === "writable") { fs.accessSync(path, fs.constants.W_OK); reply({ ok: true }); }
  else if (op === "write") {
    const fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_TRUNC);
    try { fs.writeSync(fd, value); } finally { fs.closeSync(fd); }
    reply({ ok: true });
  } else reply({ ok: false, code: "EINVAL", message: "unknown operation " + op });
} catch (error) {
  reply({ ok: false, code: error.code || "EIO", message: String(error.message).replace(/^\\w+: /, "") });
}
`;
