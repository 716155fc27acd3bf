import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { temporaryBeside, writeFileAtomic } from "../atomic-file.js";

/** An output folder that cannot be written or replaced: the message says which and why. */
export class OutputFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputFolderError";
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
  const staging = temporaryBeside(target, "new");
  mkdirSync(staging);
  try {
    for (const [name, content] of Object.entries(files)) writeFileAtomic(join(staging, name), content);
    if (existsSync(target)) {
      const old = temporaryBeside(target, "old");
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
