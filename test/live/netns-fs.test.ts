import { describe, expect, it } from "vitest";
import type { CommandResult, CommandRunner } from "../../live/command-runner.js";
import { HostFsError } from "../../live/host-fs-error.js";
import { NetnsFs } from "../../live/netns-fs.js";
import { WriteRefusedError } from "../../live/write-allow-list.js";

/** Answers like nsenter would, and records the calls. */
class ScriptedRunner implements CommandRunner {
  readonly calls: string[][] = [];
  constructor(private readonly answer: (args: readonly string[]) => CommandResult) {}
  async has(): Promise<boolean> {
    return true;
  }
  async run(program: string, args: readonly string[]): Promise<CommandResult> {
    this.calls.push([program, ...args]);
    return this.answer(args);
  }
}

describe("NetnsFs reaches a namespace's sysctls through nsenter", () => {
  it("reads with cat and writes with a Node program inside /run/netns/NAME", async () => {
    const runner = new ScriptedRunner((args) =>
      args[2] === "cat"
        ? { code: 0, stdout: "4096\t87380\t6291456\n", stderr: "" }
        : { code: 0, stdout: '{"ok":true}', stderr: "" },
    );
    const fs = new NetnsFs("blue", runner, "/usr/bin/node");
    expect(await fs.readText("/proc/sys/net/ipv4/tcp_rmem")).toBe("4096\t87380\t6291456\n");
    await fs.writeText("/proc/sys/net/ipv4/tcp_rmem", "4096 87380 16777216");
    expect(runner.calls[0]).toEqual(["nsenter", "--net=/run/netns/blue", "--", "cat", "/proc/sys/net/ipv4/tcp_rmem"]);
    expect(runner.calls[1]?.slice(0, 5)).toEqual(["nsenter", "--net=/run/netns/blue", "--", "/usr/bin/node", "-e"]);
    expect(runner.calls[1]?.slice(-2)).toEqual(["/proc/sys/net/ipv4/tcp_rmem", "4096 87380 16777216"]);
  });

  it("reports the errno the kernel gave inside the namespace", async () => {
    const fs = new NetnsFs(
      "blue",
      new ScriptedRunner(() => ({
        code: 0,
        stdout: '{"ok":false,"code":"EPERM","message":"operation not permitted, write"}',
        stderr: "",
      })),
    );
    const error = await fs.writeText("/proc/sys/net/ipv4/tcp_congestion_control", "cubic").catch((e) => e);
    expect(error).toBeInstanceOf(HostFsError);
    expect(error.code).toBe("EPERM");
    expect(error.denied).toBe(true);
    const missing = new NetnsFs(
      "gone",
      new ScriptedRunner(() => ({
        code: 1,
        stdout: "",
        stderr: "nsenter: cannot open /run/netns/gone: No such file or directory\n",
      })),
    );
    await expect(missing.readText("/proc/sys/net/core/somaxconn")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("tells nsenter failing to enter (not root) from a file that is not there: both are status 1", async () => {
    const notRoot = new NetnsFs(
      "blue",
      new ScriptedRunner(() => ({
        code: 1,
        stdout: "",
        stderr: "nsenter: reassociate to namespace 'ns/net' failed: Operation not permitted\n",
      })),
    );
    await expect(notRoot.exists("/proc/sys/net/core/somaxconn")).rejects.toMatchObject({ code: "EPERM" });
    await expect(notRoot.checkWritable("/proc/sys/net/core/somaxconn")).rejects.toMatchObject({ code: "EPERM" });
    const absent = new NetnsFs("blue", new ScriptedRunner(() => ({ code: 1, stdout: "", stderr: "" })));
    expect(await absent.exists("/proc/sys/net/ipv4/tcp_nope")).toBe(false);
  });

  it("refuses anything but /proc/sys, and names that are not namespace names, before running anything", async () => {
    const runner = new ScriptedRunner(() => ({ code: 0, stdout: "", stderr: "" }));
    const fs = new NetnsFs("blue", runner);
    await expect(fs.writeText("/etc/passwd", "x")).rejects.toThrow(WriteRefusedError);
    await expect(fs.readText("/proc/sys/../../etc/shadow")).rejects.toThrow(WriteRefusedError);
    expect(() => new NetnsFs("../x", runner)).toThrow(WriteRefusedError);
    expect(runner.calls).toEqual([]);
  });

  it("reads the namespace's own TCP counters in /proc/net, and nothing else there; writes only to /proc/sys", async () => {
    const runner = new ScriptedRunner(() => ({ code: 0, stdout: "Tcp: OutSegs\nTcp: 7\n", stderr: "" }));
    const fs = new NetnsFs("blue", runner, "/usr/bin/node");
    expect(await fs.readText("/proc/net/snmp")).toBe("Tcp: OutSegs\nTcp: 7\n");
    await fs.readText("/proc/net/netstat");
    expect(runner.calls.map((call) => call.slice(3))).toEqual([
      ["cat", "/proc/net/snmp"],
      ["cat", "/proc/net/netstat"],
    ]);
    await expect(fs.readText("/proc/net/dev")).rejects.toThrow(WriteRefusedError);
    await expect(fs.writeText("/proc/net/snmp", "0")).rejects.toThrow(/only \/proc\/sys/);
    expect(runner.calls).toHaveLength(2);
  });
});
