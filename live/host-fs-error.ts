/** A host file operation failed; `code` is the errno name (ENOENT, EACCES, EPERM, EINVAL...). */
export class HostFsError extends Error {
  constructor(
    readonly op: "read" | "write" | "list" | "resolve" | "mkdir" | "rmdir",
    readonly path: string,
    readonly code: string,
    detail: string,
  ) {
    super(`cannot ${op} ${path}: ${detail}`);
    this.name = "HostFsError";
  }

  /** Not permitted: not root, a read-only file, or a namespace that does not own the tunable. */
  get denied(): boolean {
    return this.code === "EACCES" || this.code === "EPERM" || this.code === "EROFS";
  }
}

/** Wraps a Node fs error as a HostFsError naming the host path (not the fixture root). */
export function hostFsError(op: HostFsError["op"], path: string, error: unknown): HostFsError {
  const code = (error as NodeJS.ErrnoException).code ?? "EIO";
  const message = (error as Error).message ?? String(error);
  const detail = message.replace(/^\w+: /, "").replace(/, \w+ '.*'$/, "");
  return new HostFsError(op, path, code, detail);
}
