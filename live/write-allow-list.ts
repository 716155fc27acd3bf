import { posix } from "node:path";

/** A write outside the allow-list, refused before any I/O. */
export class WriteRefusedError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`refusing to write ${path}: ${reason}`);
    this.name = "WriteRefusedError";
  }
}

/** Where twintune may write on a host: kernel tunables only (as Red Hat tuned refuses the rest). */
export const DEFAULT_WRITE_ROOTS: readonly string[] = ["/sys", "/proc/sys"];

/**
 * The write allow-list: /sys, /proc/sys and the cgroup filesystem's mount points. A pure,
 * lexical check (no I/O), so a refused path never reaches the disk; the host fs repeats it on
 * the resolved path to catch a symlink that leads outside.
 */
export class WriteAllowList {
  readonly roots: readonly string[];

  constructor(cgroupMountPoints: readonly string[] = []) {
    this.roots = [...DEFAULT_WRITE_ROOTS, ...cgroupMountPoints.filter((point) => point !== "/")];
  }

  /** Throws WriteRefusedError unless `path` is an absolute, normalized path under an allowed root. */
  check(path: string): void {
    if (!path.startsWith("/")) throw new WriteRefusedError(path, "not an absolute path");
    if (path.includes("\0")) throw new WriteRefusedError(path, "contains a NUL byte");
    if (path.split("/").includes("..") || posix.normalize(path) !== path) {
      throw new WriteRefusedError(path, "not a normalized path ('..', '//' or '.' in it)");
    }
    if (!this.allows(path)) {
      throw new WriteRefusedError(path, `only ${this.roots.join(", ")} may be written (kernel tunables)`);
    }
  }

  allows(path: string): boolean {
    return this.roots.some((root) => path.startsWith(`${root}/`));
  }
}
