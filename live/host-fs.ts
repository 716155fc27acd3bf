import { constants } from "node:fs";
import { access, mkdir, open, readdir, readFile, readlink, realpath, rmdir, stat, statfs } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { HostFsError, hostFsError } from "./host-fs-error.js";
import { parseMounts } from "./parsers/mounts.js";
import { WriteAllowList, WriteRefusedError } from "./write-allow-list.js";

/** Text access to kernel files: what a knob needs, on the host or inside a network namespace. */
export interface TextFs {
  readText(path: string): Promise<string>;
  exists(path: string): Promise<boolean>;
  /** Throws WriteRefusedError (outside the allow-list) or HostFsError (not permitted) before any write. */
  checkWritable(path: string): Promise<void>;
  writeText(path: string, text: string): Promise<void>;
}

/** The host's files, for discovery and observation as well. */
export interface HostFs extends TextFs {
  /** Directory the host's "/" is found at: "/" on a real host, a fixture tree in tests. */
  readonly root: string;
  readonly allowList: WriteAllowList;
  readDir(path: string): Promise<string[]>;
  readLink(path: string): Promise<string>;
  /** The host path a path resolves to, symlinks followed. */
  resolve(path: string): Promise<string>;
  /**
   * mkdir(2) under the allow-list: in resctrl a directory is a resource group and the kernel fills
   * it with its files (Documentation/arch/x86/resctrl.rst). Optional so a host that cannot make
   * directories leaves the knobs that need it unavailable.
   */
  makeDir?(path: string): Promise<void>;
  /** rmdir(2) under the allow-list (a resctrl group: its tasks go back to the root group). */
  removeDir?(path: string): Promise<void>;
  /**
   * The inode number of a path: kernfs (cgroup, sysfs) numbers a directory made again under the
   * same name anew. Optional: without it, a target is known by its path alone.
   */
  inode?(path: string): Promise<number>;
  /** A file's raw bytes (/proc/config.gz). Optional: a host without it answers only what text tells. */
  readBytes?(path: string): Promise<Uint8Array>;
}

/**
 * The one object all live file access goes through. Paths are host paths ("/sys/block/vda/...")
 * mapped under `root`; writes go only to the allow-list, checked lexically before any I/O and
 * again on the resolved path, and never create files (O_WRONLY without O_CREAT).
 */
/** statfs(2) magic numbers of the kernel's own file systems (linux/magic.h): sysfs, procfs, cgroup v1 and v2, resctrl. */
const KERNEL_FS_TYPES = new Set([0x62656572, 0x9fa0, 0x27e0eb, 0x63677270, 0x7655821]);

export class LocalHostFs implements HostFs {
  private constructor(
    readonly root: string,
    readonly allowList: WriteAllowList,
  ) {}

  /** Opens the host at `root`, reading its cgroup mount points for the allow-list. */
  static async open(root = "/"): Promise<LocalHostFs> {
    const probe = new LocalHostFs(root, new WriteAllowList());
    const cgroups: string[] = [];
    try {
      const mounts = parseMounts(await probe.readText("/proc/self/mounts"));
      if (mounts.ok) {
        for (const mount of mounts.value) {
          if (mount.fsType === "cgroup" || mount.fsType === "cgroup2") cgroups.push(mount.mountPoint);
        }
      }
    } catch {
      // No mount table (a minimal fixture): only /sys and /proc/sys are writable.
    }
    return new LocalHostFs(root, new WriteAllowList(cgroups));
  }

  private real(path: string): string {
    return join(this.root, path);
  }

  /**
   * In a captured tree (--root) the files are plain copies, and a write would replace a selection
   * file's list ("none [mq-deadline] kyber bfq") with the bare choice, which a later revert could
   * not choose back from. There the write moves the brackets as the kernel does, and refuses a
   * choice not in the list (EINVAL, as the kernel would). A file on sysfs or procfs itself is
   * never rewritten, whatever --root was given (a bind mount of /, "/." ...).
   */
  private async asSelection(path: string, text: string): Promise<string | undefined> {
    const real = this.real(path);
    const fsType = (await statfs(real).catch(() => undefined))?.type;
    if (fsType === undefined || KERNEL_FS_TYPES.has(fsType)) return undefined;
    const current = await this.readText(path).catch(() => "");
    const parts = current.split(/(\s+)/);
    const tokens = parts.filter((part, i) => i % 2 === 0 && part !== "");
    if (tokens.filter((token) => /^\[[^\]]+\]$/.test(token)).length !== 1) return undefined;
    const wanted = text.trim();
    const choices = tokens.map((token) => token.replace(/^\[(.*)\]$/, "$1"));
    if (!choices.includes(wanted)) throw new HostFsError("write", path, "EINVAL", "invalid argument");
    return parts
      .map((part, i) => {
        if (i % 2 === 1 || part === "") return part;
        const choice = part.replace(/^\[(.*)\]$/, "$1");
        return choice === wanted ? `[${choice}]` : choice;
      })
      .join("");
  }

  /** A file operation's error; under a captured tree, saying which tree the path was looked for in. */
  private failure(op: HostFsError["op"], path: string, error: unknown): HostFsError {
    const failed = hostFsError(op, path, error);
    if (this.root === "/") return failed;
    const prefix = `cannot ${op} ${path}: `;
    const detail = failed.message.startsWith(prefix) ? failed.message.slice(prefix.length) : failed.message;
    return new HostFsError(op, path, failed.code, `${detail} (in the host tree ${this.root}, given with --root)`);
  }

  async readText(path: string): Promise<string> {
    try {
      return await readFile(this.real(path), "utf8");
    } catch (error) {
      throw this.failure("read", path, error);
    }
  }

  async readBytes(path: string): Promise<Uint8Array> {
    try {
      return await readFile(this.real(path));
    } catch (error) {
      throw this.failure("read", path, error);
    }
  }

  async inode(path: string): Promise<number> {
    try {
      return (await stat(this.real(path))).ino;
    } catch (error) {
      throw this.failure("read", path, error);
    }
  }

  async readDir(path: string): Promise<string[]> {
    try {
      return (await readdir(this.real(path))).sort();
    } catch (error) {
      throw this.failure("list", path, error);
    }
  }

  async readLink(path: string): Promise<string> {
    try {
      return await readlink(this.real(path));
    } catch (error) {
      throw this.failure("resolve", path, error);
    }
  }

  async resolve(path: string): Promise<string> {
    try {
      const [rootReal, target] = await Promise.all([realpath(this.root), realpath(this.real(path))]);
      const inside = relative(rootReal, target);
      if (inside.startsWith("..")) throw new HostFsError("resolve", path, "EXDEV", "resolves outside the host root");
      return `/${inside}`;
    } catch (error) {
      throw error instanceof HostFsError ? error : this.failure("resolve", path, error);
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await access(this.real(path), constants.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  async checkWritable(path: string): Promise<void> {
    await this.checkAllowed(path, "path");
    try {
      await access(this.real(path), constants.W_OK);
    } catch (error) {
      throw this.failure("write", path, error);
    }
  }

  /** Checks the allow-list on the path and on where it resolves to (its parent, for a path not there yet). */
  private async checkAllowed(path: string, resolve: "path" | "parent"): Promise<void> {
    this.allowList.check(path);
    const resolved =
      resolve === "path" ? await this.resolve(path) : `${await this.resolve(dirname(path))}/${basename(path)}`;
    if (!this.allowList.allows(resolved)) {
      throw new WriteRefusedError(path, `it resolves to ${resolved}, outside ${this.allowList.roots.join(", ")}`);
    }
  }

  async makeDir(path: string): Promise<void> {
    await this.checkAllowed(path, "parent");
    try {
      await mkdir(this.real(path)); // never recursive: only the one directory asked for
    } catch (error) {
      throw this.failure("mkdir", path, error);
    }
  }

  async removeDir(path: string): Promise<void> {
    await this.checkAllowed(path, "path");
    try {
      await rmdir(this.real(path));
    } catch (error) {
      throw this.failure("rmdir", path, error);
    }
  }

  async writeText(path: string, text: string): Promise<void> {
    await this.checkAllowed(path, "path");
    if (this.root !== "/") text = (await this.asSelection(path, text)) ?? text;
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      // O_TRUNC as a shell redirect does (sysfs and procfs ignore it; a regular file needs it).
      handle = await open(this.real(path), constants.O_WRONLY | constants.O_TRUNC);
      // One write() call: sysfs and sysctl stores take the whole value at once.
      await handle.write(text);
    } catch (error) {
      throw this.failure("write", path, error);
    } finally {
      await handle?.close();
    }
  }
}
