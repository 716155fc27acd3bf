import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Where a worker thread's module is and how to start it. From the build (dist/) the compiled
 * `.js` loads directly; from the sources (tsx, vitest) Node 20 cannot run `.ts`, so each worker
 * registers tsx by its absolute URL, which works from any working directory (a bare
 * `--import tsx` resolves from the working directory: ERR_MODULE_NOT_FOUND elsewhere).
 */
export function workerScript(name: string, base: string): { filename: string; execArgv: string[] } {
  const compiled = new URL(`./${name}.js`, base);
  if (existsSync(fileURLToPath(compiled))) return { filename: compiled.href, execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { filename: new URL(`./${name}.ts`, base).href, execArgv: ["--import", tsx] };
}
