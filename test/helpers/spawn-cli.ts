import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const ENTRY = join(import.meta.dirname, "cli-entry.ts");
/** tsx by absolute URL, so the child finds it from any working directory (a bare `--import tsx` resolves from the cwd). */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export function cliArgs(args: readonly string[]): string[] {
  return ["--import", TSX, ENTRY, ...args];
}

/** Runs `twintune ...` from source in a child process, optionally as another user (setpriv). */
export function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; uid?: number } = {},
): SpawnSyncReturns<string> {
  const node = [process.execPath, ...cliArgs(args)];
  const command =
    options.uid === undefined
      ? node
      : ["setpriv", `--reuid=${options.uid}`, `--regid=${options.uid}`, "--clear-groups", ...node];
  return spawnSync(command[0] as string, command.slice(1), {
    encoding: "utf8",
    env: { ...process.env, ...options.env },
    timeout: 60_000,
  });
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, cliArgs(args), { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
}
