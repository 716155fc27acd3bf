import { fstatSync } from "node:fs";
import { fsReason, OutputPathError } from "../output-path.js";
import { writeFully } from "../write-fully.js";

/** Where a command reads and writes; tests pass fakes. */
export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

export function processIO(): CliIO {
  return { stdout: stdoutWriter(), stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * Standard output. Redirected to a file (`twintune run --json > run.json`), each text is written
 * to the end or the command fails with the reason: Node's own writer to a file drops the rest of
 * a write the file system cuts short (a file-size limit, a full quota) and carries on.
 */
function stdoutWriter(): CliIO["stdout"] {
  let isFile = false;
  try {
    isFile = fstatSync(1).isFile();
  } catch {
    // closed or not inspectable: leave it to Node
  }
  if (!isFile) return process.stdout;
  return {
    write(text: string) {
      try {
        writeFully(1, text);
      } catch (error) {
        throw new OutputPathError(`cannot write standard output (a file): ${fsReason(error)}`);
      }
      return true;
    },
  };
}
