import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";

/** The folders searched when PATH is not set (a shell's default for root). */
const DEFAULT_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Whether `program` can be run as a shell would find it: a name with a slash is a path (relative
 * to `cwd`), anything else is looked up in the folders of `path`.
 */
export function canRun(program: string, path: string | undefined, cwd = process.cwd()): boolean {
  const runnable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (program.includes("/")) return runnable(resolve(cwd, program));
  return (path ?? DEFAULT_PATH).split(delimiter).some((folder) => folder !== "" && runnable(join(folder, program)));
}
