import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { temporaryBeside, writeFileAtomic, writeFilesTogether } from "../atomic-file.js";
import { makeFolders, OutputPathError, someEntries } from "../output-path.js";

/** An output folder that cannot be written or replaced (an OutputPathError: the CLI reports it as the user's). */
export class OutputFolderError extends OutputPathError {
  constructor(message: string) {
    super(message);
    this.name = "OutputFolderError";
  }
}

/**
 * Throws OutputFolderError unless `dir` (shown as `shown`) may be written: missing, an empty
 * folder, or a folder `mayReplace` says is ours that holds nothing but files named in `names`
 * (what the writer puts there). Anything else in it (a note, a source file) is not ours to
 * delete or overwrite, so the folder is refused and those entries named. Commands call it before
 * their work too, so a bad --out is reported at once rather than after a long run.
 */
export function checkReplaceable(
  dir: string,
  mayReplace: (dir: string) => boolean,
  shown = dir,
  names?: readonly string[],
): void {
  const target = resolve(dir);
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new OutputFolderError(`${shown} exists and is not a folder`);
  const entries = readdirSync(target);
  if (entries.length === 0) return;
  if (!mayReplace(target))
    throw new OutputFolderError(
      `${shown} exists and does not hold a twintune report (it holds ${someEntries(entries)}); choose another --out or remove it`,
    );
  const others = names === undefined ? [] : entries.filter((entry) => !names.includes(entry));
  if (others.length > 0)
    throw new OutputFolderError(
      `${shown} holds a twintune report and other files (${someEntries(others)}), which writing the report there would not keep; choose another --out or move them`,
    );
}

/**
 * Writes `files` as folder `dir`, never leaving a half-written folder. A new folder is written
 * whole into a temporary sibling and renamed into place. An existing one, when it may be
 * replaced (see checkReplaceable: empty, or ours and holding only these files), keeps its inode,
 * mode and any link to it: every file is written beside its target first and only then are they
 * renamed over the old ones.
 */
export function replaceFolder(
  dir: string,
  files: Readonly<Record<string, string>>,
  mayReplace: (dir: string) => boolean,
): void {
  const target = resolve(dir);
  checkReplaceable(dir, mayReplace, dir, Object.keys(files));
  if (existsSync(target)) {
    writeFilesTogether(Object.entries(files).map(([name, data]) => ({ path: join(target, name), data })));
    return;
  }
  makeFolders(dirname(target));
  const staging = temporaryBeside(target, "new");
  mkdirSync(staging);
  try {
    for (const [name, content] of Object.entries(files)) writeFileAtomic(join(staging, name), content);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
