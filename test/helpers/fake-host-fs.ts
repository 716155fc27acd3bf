import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { dirname, join, posix, relative } from "node:path";
import type { HostFs } from "../../live/host-fs.js";
import { HostFsError } from "../../live/host-fs-error.js";
import { WriteAllowList } from "../../live/write-allow-list.js";

/** Default iosched tunables per scheduler (block/mq-deadline.c, bfq-iosched.c, kyber-iosched.c; as read on 6.18). */
const IOSCHED_DEFAULTS: Record<string, Record<string, number>> = {
  none: {},
  "mq-deadline": {
    read_expire: 500,
    write_expire: 5000,
    writes_starved: 2,
    fifo_batch: 16,
    front_merges: 1,
    async_depth: 192,
    prio_aging_expire: 10000,
  },
  bfq: {
    slice_idle: 8,
    slice_idle_us: 8000,
    low_latency: 1,
    fifo_expire_sync: 125,
    fifo_expire_async: 250,
    back_seek_max: 16384,
    back_seek_penalty: 2,
    timeout_sync: 124,
    max_budget: 0,
    strict_guarantees: 0,
  },
  kyber: { read_lat_nsec: 2000000, write_lat_nsec: 10000000 },
};

/**
 * An in-memory host for unit tests: files and symlinks loaded from a fixture tree, and writes
 * that behave like the kernel's (a scheduler switch resets nr_requests and swaps the iosched
 * files, read_ahead_kb rounds to pages, out-of-range values give EINVAL). Tests can deny a
 * path (EACCES), make writes to a path vanish or store another value (to provoke a read-back
 * mismatch), or fail.
 */
export class FakeHostFs implements HostFs {
  readonly root = "/fake";
  readonly allowList = new WriteAllowList(["/sys/fs/cgroup/cpuset"]);
  readonly files = new Map<string, string>();
  readonly links = new Map<string, string>();
  readonly denied = new Set<string>();
  readonly ignored = new Set<string>();
  /** Paths whose writes store something else than was written (a driver clamping the value). */
  readonly altered = new Map<string, (text: string) => string>();
  readonly failing = new Map<string, string>();
  readonly writes: { path: string; text: string }[] = [];

  static async fromFixture(dir: string): Promise<FakeHostFs> {
    const fs = new FakeHostFs();
    const walk = async (real: string): Promise<void> => {
      for (const name of await readdir(real)) {
        const path = join(real, name);
        const host = `/${relative(dir, path)}`;
        const info = await lstat(path);
        if (info.isSymbolicLink()) fs.links.set(host, posix.normalize(posix.join(dirname(host), await readlink(path))));
        else if (info.isDirectory()) await walk(path);
        else fs.files.set(host, await readFile(path, "utf8"));
      }
    };
    await walk(dir);
    return fs;
  }

  /** The path with every symlink in it followed. */
  real(path: string): string {
    const parts = path.split("/").filter(Boolean);
    let out = "";
    for (const part of parts) {
      out = `${out}/${part}`;
      for (let hops = 0; this.links.has(out) && hops < 20; hops++) out = this.links.get(out) as string;
    }
    return out || "/";
  }

  private error(op: HostFsError["op"], path: string, code: string): HostFsError {
    return new HostFsError(
      op,
      path,
      code,
      code === "ENOENT" ? "no such file or directory" : code === "EACCES" ? "permission denied" : "invalid argument",
    );
  }

  async readText(path: string): Promise<string> {
    const text = this.files.get(this.real(path));
    if (text === undefined) throw this.error("read", path, "ENOENT");
    return text;
  }

  async readDir(path: string): Promise<string[]> {
    const prefix = `${this.real(path)}/`;
    const names = new Set<string>();
    for (const key of [...this.files.keys(), ...this.links.keys()]) {
      if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split("/")[0] as string);
    }
    if (names.size === 0 && !this.files.has(this.real(path))) throw this.error("list", path, "ENOENT");
    return [...names].sort();
  }

  async readLink(path: string): Promise<string> {
    const target = this.links.get(path);
    if (target === undefined) throw this.error("resolve", path, "EINVAL");
    return target;
  }

  async resolve(path: string): Promise<string> {
    return this.real(path);
  }

  async exists(path: string): Promise<boolean> {
    const real = this.real(path);
    if (this.files.has(real)) return true;
    return [...this.files.keys()].some((key) => key.startsWith(`${real}/`));
  }

  async checkWritable(path: string): Promise<void> {
    this.allowList.check(path);
    if (this.denied.has(path)) throw this.error("write", path, "EACCES");
    if (!this.files.has(this.real(path))) throw this.error("write", path, "ENOENT");
  }

  async writeText(path: string, text: string): Promise<void> {
    this.allowList.check(path);
    const real = this.real(path);
    if (this.denied.has(path)) throw this.error("write", path, "EACCES");
    const failure = this.failing.get(path);
    if (failure) throw this.error("write", path, failure);
    if (!this.files.has(real)) throw this.error("write", path, "ENOENT");
    this.writes.push({ path, text });
    if (this.ignored.has(path)) return;
    const alter = this.altered.get(path);
    this.files.set(real, alter === undefined ? this.kernelStore(real, text) : alter(text));
  }

  /** What the kernel would keep for this write, or throws EINVAL as it would. */
  private kernelStore(real: string, text: string): string {
    const value = text.trim();
    const queue = /^(.*\/queue)\/(scheduler|nr_requests|read_ahead_kb|iosched\/\w+)$/.exec(real);
    const int = () => {
      if (!/^\d+$/.test(value)) throw this.error("write", real, "EINVAL");
      return Number(value);
    };
    if (queue) {
      const dir = queue[1] as string;
      const file = queue[2] as string;
      if (file === "scheduler") return this.switchScheduler(dir, value);
      if (file === "read_ahead_kb") return `${int() - (int() % 4)}\n`;
      if (file === "nr_requests") {
        const active = /\[([\w-]+)\]/.exec(this.files.get(`${dir}/scheduler`) ?? "")?.[1];
        const max = active === "none" ? this.hardwareTags(dir) : 2048;
        if (int() > max) throw this.error("write", real, "EINVAL");
        return `${Math.max(4, int())}\n`;
      }
      return `${int()}\n`;
    }
    if (/\/tcp_[rw]mem$/.test(real)) return `${value.split(/\s+/).join("\t")}\n`;
    return `${value}\n`;
  }

  private hardwareTags(queueDir: string): number {
    const tags = this.files.get(`${queueDir.replace(/\/queue$/, "")}/mq/0/nr_tags`);
    return tags === undefined ? 128 : Number(tags.trim());
  }

  private switchScheduler(dir: string, name: string): string {
    const current = this.files.get(`${dir}/scheduler`) ?? "";
    const available = current.replace(/[[\]]/g, "").trim().split(/\s+/);
    const wanted = name === "deadline" ? "mq-deadline" : name;
    if (!available.includes(wanted)) throw this.error("write", `${dir}/scheduler`, "EINVAL");
    for (const key of [...this.files.keys()]) if (key.startsWith(`${dir}/iosched/`)) this.files.delete(key);
    for (const [tunable, value] of Object.entries(IOSCHED_DEFAULTS[wanted] ?? {}))
      this.files.set(`${dir}/iosched/${tunable}`, `${value}\n`);
    this.files.set(`${dir}/nr_requests`, `${wanted === "none" ? this.hardwareTags(dir) : 256}\n`);
    return `${available.map((s) => (s === wanted ? `[${s}]` : s)).join(" ")} \n`;
  }

  /** Every file's content, for before/after comparisons. */
  snapshot(): Map<string, string> {
    return new Map(this.files);
  }
}
