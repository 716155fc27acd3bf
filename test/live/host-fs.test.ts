import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { LocalHostFs } from "../../live/host-fs.js";
import { HostFsError } from "../../live/host-fs-error.js";
import { WriteAllowList, WriteRefusedError } from "../../live/write-allow-list.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A small host tree: a sysfs file, a sysctl, a file in /etc, a cgroup mount, a symlink out of /sys. */
function tree(): string {
  const root = mkdtempSync(join(tmpdir(), "twintune-hostfs-"));
  roots.push(root);
  const put = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put("sys/block/sda/queue/read_ahead_kb", "128\n");
  put("proc/sys/net/core/somaxconn", "4096\n");
  put("etc/passwd", "root:x:0:0\n");
  put("cgroup/cpuset/web/cpuset.cpus", "0-1\n");
  put("proc/self/mounts", "cgroup /cgroup/cpuset cgroup rw,cpuset 0 0\nproc /proc proc rw 0 0\n");
  symlinkSync("../../etc", join(root, "sys/block/escape"));
  return root;
}

describe("the write allow-list", () => {
  const list = new WriteAllowList(["/sys/fs/cgroup/cpuset"]);

  it("allows /sys, /proc/sys and cgroup mounts, refuses everything else", () => {
    expect(() => list.check("/sys/block/sda/queue/scheduler")).not.toThrow();
    expect(() => list.check("/proc/sys/net/ipv4/tcp_rmem")).not.toThrow();
    for (const path of [
      "/etc/passwd",
      "/proc/self/mem",
      "/proc/sysrq-trigger",
      "/sysfoo/x",
      "/var/lib/twintune/journal.jsonl",
      "sys/block/x",
      "/sys/../etc/passwd",
      "/sys//block",
      "/sys/./block",
    ]) {
      expect(() => list.check(path), path).toThrow(WriteRefusedError);
    }
  });

  it("a path is allowed only under an allowed root, whatever it contains (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("sys", "proc", "etc", "..", ".", "", "fs", "cgroup", "cpuset", "x"), { maxLength: 6 }),
        (parts) => {
          const path = `/${parts.join("/")}`;
          let allowed = true;
          try {
            list.check(path);
          } catch (error) {
            expect(error).toBeInstanceOf(WriteRefusedError);
            allowed = false;
          }
          const normalized =
            !parts.includes("..") && !parts.includes(".") && !parts.slice(0, -1).includes("") && parts.at(-1) !== "";
          expect(allowed).toBe(normalized && list.roots.some((root) => path.startsWith(`${root}/`)));
        },
      ),
      { seed: 7 },
    );
  });
});

describe("LocalHostFs", () => {
  it("maps host paths under its root and takes cgroup mount points from the mount table", async () => {
    const root = tree();
    const fs = await LocalHostFs.open(root);
    expect(await fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("128\n");
    expect(fs.allowList.roots).toContain("/cgroup/cpuset");
    await fs.writeText("/cgroup/cpuset/web/cpuset.cpus", "1");
    expect(readFileSync(join(root, "cgroup/cpuset/web/cpuset.cpus"), "utf8")).toBe("1");
  });

  it("under a captured tree, a write to a selection file moves the brackets as the kernel does", async () => {
    const root = tree();
    writeFileSync(join(root, "sys/block/sda/queue/scheduler"), "none [mq-deadline] kyber bfq \n");
    mkdirSync(join(root, "sys/kernel/mm/transparent_hugepage"), { recursive: true });
    const fs = await LocalHostFs.open(root);
    await fs.writeText("/sys/block/sda/queue/scheduler", "bfq");
    expect(await fs.readText("/sys/block/sda/queue/scheduler")).toBe("none mq-deadline kyber [bfq] \n");
    await fs.writeText("/sys/block/sda/queue/scheduler", "mq-deadline");
    expect(await fs.readText("/sys/block/sda/queue/scheduler")).toBe("none [mq-deadline] kyber bfq \n");
    // Spacing is kept; a choice not in the list is refused as the kernel would.
    writeFileSync(join(root, "sys/kernel/mm/transparent_hugepage/enabled"), "always [madvise] never\n", { flag: "w" });
    await fs.writeText("/sys/kernel/mm/transparent_hugepage/enabled", "never");
    expect(await fs.readText("/sys/kernel/mm/transparent_hugepage/enabled")).toBe("always madvise [never]\n");
    await expect(fs.writeText("/sys/block/sda/queue/scheduler", "bogus")).rejects.toThrow(/EINVAL|invalid argument/);
    expect(await fs.readText("/sys/block/sda/queue/scheduler")).toBe("none [mq-deadline] kyber bfq \n");
    // A plain value file is written as given.
    await fs.writeText("/sys/block/sda/queue/read_ahead_kb", "512");
    expect(await fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("512");
  });

  it("refuses a write outside the allow-list before touching the file", async () => {
    const root = tree();
    const fs = await LocalHostFs.open(root);
    await expect(fs.writeText("/etc/passwd", "owned")).rejects.toThrow(WriteRefusedError);
    await expect(fs.writeText("/etc/new-file", "owned")).rejects.toThrow(/only \/sys, \/proc\/sys/);
    await expect(fs.checkWritable("/etc/passwd")).rejects.toThrow(WriteRefusedError);
    expect(readFileSync(join(root, "etc/passwd"), "utf8")).toBe("root:x:0:0\n");
  });

  it("refuses a path under /sys that resolves outside it through a symlink", async () => {
    const root = tree();
    const fs = await LocalHostFs.open(root);
    await expect(fs.writeText("/sys/block/escape/passwd", "owned")).rejects.toThrow(/resolves to \/etc\/passwd/);
    expect(readFileSync(join(root, "etc/passwd"), "utf8")).toBe("root:x:0:0\n");
  });

  it("never creates a file: a missing knob file is ENOENT", async () => {
    const fs = await LocalHostFs.open(tree());
    const error = await fs.writeText("/sys/block/sda/queue/nope", "1").catch((e) => e);
    expect(error).toBeInstanceOf(HostFsError);
    expect(error.code).toBe("ENOENT");
    expect(await fs.exists("/sys/block/sda/queue/nope")).toBe(false);
  });

  it("makes and removes a directory under /sys only (a resctrl group), never outside or through a symlink", async () => {
    const root = tree();
    const fs = await LocalHostFs.open(root);
    mkdirSync(join(root, "sys/fs/resctrl"), { recursive: true });
    await fs.makeDir("/sys/fs/resctrl/twintune-pid-1");
    expect(existsSync(join(root, "sys/fs/resctrl/twintune-pid-1"))).toBe(true);
    await expect(fs.makeDir("/sys/fs/resctrl/twintune-pid-1")).rejects.toMatchObject({ op: "mkdir", code: "EEXIST" });
    await fs.removeDir("/sys/fs/resctrl/twintune-pid-1");
    expect(existsSync(join(root, "sys/fs/resctrl/twintune-pid-1"))).toBe(false);
    await expect(fs.makeDir("/sys/fs/resctrl/a/b")).rejects.toMatchObject({ code: "ENOENT" }); // never recursive
    await expect(fs.makeDir("/etc/twintune")).rejects.toThrow(WriteRefusedError);
    await expect(fs.makeDir("/sys/block/escape/twintune")).rejects.toThrow(/resolves to \/etc\/twintune/);
    await expect(fs.removeDir("/sys/block/escape")).rejects.toThrow(/resolves to \/etc/);
    expect(existsSync(join(root, "etc/twintune"))).toBe(false);
    expect(existsSync(join(root, "etc"))).toBe(true);
  });

  it("read errors name the host path, and the captured tree it was looked for in", async () => {
    const root = tree();
    const fs = await LocalHostFs.open(root);
    const error = await fs.readText("/proc/nope").catch((e) => e);
    expect(error).toBeInstanceOf(HostFsError);
    expect(error.message).toBe(
      `cannot read /proc/nope: no such file or directory (in the host tree ${fs.root}, given with --root)`,
    );
    expect(error.code).toBe("ENOENT");
  });
});
