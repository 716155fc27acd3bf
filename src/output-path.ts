import { closeSync, existsSync, mkdirSync, openSync, realpathSync, rmdirSync, statSync, unlinkSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** An output that cannot be written where the user asked; the message says which and why. */
export class OutputPathError extends Error {
  /** The errno name (EACCES, ENOENT...) when a system call refused. */
  readonly code: string | undefined;

  constructor(message: string, code?: string) {
    super(message);
    this.name = "OutputPathError";
    this.code = code;
  }
}

const REASONS: Record<string, string> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "the file would exceed the size this process may write (ulimit -f)",
  EIO: "input/output error",
  EROFS: "read-only file system",
  EISDIR: "it is a folder",
  ENOTDIR: "a part of the path is not a folder",
  EEXIST: "it exists already",
  ENAMETOOLONG: "the name is too long",
  EMFILE: "too many open files",
  EBUSY: "busy",
  ELOOP: "too many symbolic links",
};

/** A file-system error code (ENOENT, EACCES, ...) the user can act on, or undefined for anything else. */
export function fsErrorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && code in REASONS ? code : undefined;
}

/** Why a file-system call failed, in words ("permission denied"). */
export function fsReason(error: unknown): string {
  const code = fsErrorCode(error);
  if (code !== undefined) return REASONS[code] as string;
  return error instanceof Error ? error.message : String(error);
}

let probes = 0;
const probeBeside = (path: string) => join(dirname(path), `.${basename(path)}.probe-${process.pid}-${++probes}`);

/** Creates and removes a hidden file beside `path`; on failure throws `failure: reason`. */
function probeFile(path: string, failure: string): void {
  const probe = probeBeside(path);
  try {
    closeSync(openSync(probe, "wx"));
    unlinkSync(probe);
  } catch (error) {
    throw new OutputPathError(`${failure}: ${fsReason(error)}`);
  }
}

/** A few names of a folder's entries for a message: "a, b, c, ..." (sorted, at most `max`). */
export function someEntries(entries: readonly string[], max = 5): string {
  const sorted = [...entries].sort();
  return `${sorted.slice(0, max).join(", ")}${sorted.length > max ? ", ..." : ""}`;
}

/**
 * Checks, before any work is done, that a file can be written at `path` (shown as `shown`): its
 * folder exists, `path` is not a folder, and a file can really be created beside it (a probe
 * created and removed at once: permission bits alone do not tell, root may not write in /proc).
 * Folders are not created for an output file: a mistyped path must not make folders.
 */
export function checkOutputFile(path: string, shown = path): void {
  const target = resolve(path);
  const folder = dirname(target);
  if (!existsSync(folder)) throw new OutputPathError(`${shown}: folder ${dirname(shown)} does not exist`);
  if (!statSync(folder).isDirectory()) throw new OutputPathError(`${shown}: ${dirname(shown)} is not a folder`);
  if (existsSync(target) && statSync(target).isDirectory()) throw new OutputPathError(`${shown} is a folder`);
  probeFile(target, `cannot write ${shown}`);
}

/**
 * Checks, before any work is done, that folder `dir` (shown as `shown`) exists or can be created:
 * when it exists it must be a folder; when not, its parent must exist and take a new folder
 * (probed). Whether an existing folder's contents may be replaced is the caller's rule.
 */
export function checkOutputFolder(dir: string, shown = dir): void {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new OutputPathError(`${shown} exists and is not a folder`);
    probeFile(join(target, "x"), `cannot write in ${shown}`);
    return;
  }
  const parent = dirname(target);
  if (!existsSync(parent)) throw new OutputPathError(`${shown}: folder ${dirname(shown)} does not exist`);
  if (!statSync(parent).isDirectory()) throw new OutputPathError(`${shown}: ${dirname(shown)} is not a folder`);
  const probe = probeBeside(target);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    throw new OutputPathError(`cannot create ${shown}: ${fsReason(error)}`);
  }
}

/**
 * Creates folder `dir` and its missing parents, one at a time. Not `mkdir({ recursive: true })`:
 * on Node 20 that spins forever when a parent refuses new entries with ENOENT, as /proc does.
 */
export function makeFolders(dir: string, mode?: number): void {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  while (!existsSync(at)) {
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory())
    throw new OutputPathError(`cannot create ${dir}: ${at} is not a folder`);
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder, mode === undefined ? undefined : { mode });
    } catch (error) {
      if (fsErrorCode(error) === "EEXIST" && statSync(folder).isDirectory()) continue;
      throw new OutputPathError(`cannot create folder ${folder}: ${fsReason(error)}`, fsErrorCode(error));
    }
  }
}

/** A file a command is asked to read or write, and the flag or argument that named it. */
export interface NamedFile {
  /** How the user named it: "-o", "--html", "INPUT". */
  flag: string;
  /** As the user wrote it. */
  path: string;
}

/** `path` with its folder's symbolic links resolved (the folder as it really is), when it exists. */
function throughLinks(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

/**
 * Whether two paths are one file: the same path once their folders' links are resolved, or
 * (when both exist) the same inode, which also catches a link to the file itself.
 */
function sameFile(a: string, b: string): boolean {
  if (a === b || throughLinks(a) === throughLinks(b)) return true;
  const statA = statSync(a, { throwIfNoEntry: false });
  const statB = statSync(b, { throwIfNoEntry: false });
  return statA !== undefined && statB !== undefined && statA.dev === statB.dev && statA.ino === statB.ino;
}

/**
 * Checks, before any work is done, every output file of one command (see checkOutputFile), and
 * that none is another output or one of the command's inputs: `flamegraph a.folded -o a.folded`
 * would replace the profile with its drawing, `--svg x --html x` keep only one of the two.
 */
export function checkOutputFiles(cwd: string, outputs: readonly NamedFile[], inputs: readonly NamedFile[] = []): void {
  const resolved = (file: NamedFile) => resolve(cwd, file.path);
  outputs.forEach((output, i) => {
    for (const input of inputs) {
      if (sameFile(resolved(output), resolved(input)))
        throw new OutputPathError(
          `${output.flag} ${output.path} would replace ${input.flag} ${input.path}; write elsewhere`,
        );
    }
    for (const other of outputs.slice(0, i)) {
      if (sameFile(resolved(output), resolved(other)))
        throw new OutputPathError(`${other.flag} ${other.path} and ${output.flag} ${output.path} are the same file`);
    }
    checkOutputFile(resolved(output), output.path);
  });
}
