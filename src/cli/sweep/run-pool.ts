import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import type { RunResult } from "../../report/run-result.js";
import type { RunTask } from "./run-worker.js";

/** Runs tasks on worker threads; `close` ends the workers. */
export interface RunPool {
  run(task: RunTask, signal?: AbortSignal): Promise<RunResult>;
  close(): Promise<void>;
  readonly threads: number;
}

/**
 * A piscina pool of `threads` workers running run-worker. From the build (dist/) the compiled
 * worker loads directly; from the sources (tsx, vitest) each worker registers tsx by its absolute
 * URL, so it loads from any working directory (a bare `--import tsx` resolves from the working
 * directory: ERR_MODULE_NOT_FOUND elsewhere).
 */
export function createRunPool(threads: number): RunPool {
  const compiled = new URL("./run-worker.js", import.meta.url);
  const fromBuild = existsSync(fileURLToPath(compiled));
  const filename = fromBuild ? compiled.href : new URL("./run-worker.ts", import.meta.url).href;
  const execArgv = fromBuild ? [] : ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href];
  const pool = new Piscina({ filename, execArgv, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  return {
    threads,
    run: (task, signal) => pool.run(task, signal === undefined ? {} : { signal }) as Promise<RunResult>,
    close: () => pool.destroy(),
  };
}
