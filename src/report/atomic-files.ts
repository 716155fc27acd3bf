import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** An output folder that cannot be written or replaced: the message says which and why. */
export class OutputFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputFolderError";
  }
}

let counter = 0;

/** A name next to `path` no other writer uses: pid and a per-process counter. */
function sibling(path: string, tag: string): string {
  counter++;
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${counter}`);
}

function writeDurable(path: string, content: string): void {
  const fd = openSync(path, "w", 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a file whole or not at all: into a temporary sibling, flushed, then renamed over `path`. */
export function writeFileAtomic(path: string, content: string): void {
  const temporary = sibling(path, "tmp");
  try {
    writeDurable(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Replaces folder `dir` with exactly `files`, never leaving a half-written folder: everything is
 * written into a temporary sibling, then the old folder is moved aside, the new one renamed into
 * place and the old one removed. An existing `dir` is replaced only when `mayReplace` says it is
 * ours (or it is empty), so a mistyped --out never deletes someone's files.
 */
export function replaceFolder(
  dir: string,
  files: Readonly<Record<string, string>>,
  mayReplace: (dir: string) => boolean,
): void {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new OutputFolderError(`${dir} exists and is not a folder`);
    if (readdirSync(target).length > 0 && !mayReplace(target))
      throw new OutputFolderError(
        `${dir} exists and does not hold a twintune report; choose another --out or remove it`,
      );
  }
  mkdirSync(dirname(target), { recursive: true });
  const staging = sibling(target, "new");
  mkdirSync(staging);
  try {
    for (const [name, content] of Object.entries(files)) writeDurable(join(staging, name), content);
    if (existsSync(target)) {
      const old = sibling(target, "old");
      renameSync(target, old);
      renameSync(staging, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(staging, target);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
