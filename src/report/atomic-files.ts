import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { temporaryBeside, writeFileAtomic } from "../atomic-file.js";
import { makeFolders, OutputPathError } from "../output-path.js";

/** An output folder that cannot be written or replaced (an OutputPathError: the CLI reports it as the user's). */
export class OutputFolderError extends OutputPathError {
  constructor(message: string) {
    super(message);
    this.name = "OutputFolderError";
  }
}

/**
 * Throws OutputFolderError unless `dir` (shown as `shown`) may be replaced: missing, an empty
 * folder, or a folder `mayReplace` says is ours. Commands call it before their work too, so a
 * bad --out is reported at once rather than after a long run.
 */
export function checkReplaceable(dir: string, mayReplace: (dir: string) => boolean, shown = dir): void {
  const target = resolve(dir);
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new OutputFolderError(`${shown} exists and is not a folder`);
  if (readdirSync(target).length > 0 && !mayReplace(target))
    throw new OutputFolderError(
      `${shown} exists and does not hold a twintune report; choose another --out or remove it`,
    );
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
  checkReplaceable(dir, mayReplace);
  makeFolders(dirname(target));
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
