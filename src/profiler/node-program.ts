import { rmSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { type CpuProfile, parseCpuProfile } from "../flamegraph/cpuprofile.js";
import { interruptGuard } from "./interrupt-guard.js";
import { type PassThrough, runProcess } from "./run-process.js";

/** Whether `program` is Node.js (by name or as this very executable). */
export function isNodeCommand(program: string): boolean {
  return program === process.execPath || /^(node|nodejs)(\d+)?(\.exe)?$/.test(basename(program));
}

/**
 * Runs a Node.js program to completion under V8's own sampler (`--cpu-prof`, every
 * 1e6/`hz` µs), with the terminal passed through (its stdout as `output` says), and returns the CPU profile of each thread
 * it ran (main thread and workers).
 */
export async function profileNodeProgram(
  command: readonly string[],
  hz = 100,
  cwd?: string,
  output: PassThrough = "terminal",
): Promise<{ profiles: CpuProfile[]; exitCode: number | null; signal: NodeJS.Signals | null }> {
  const [program, ...args] = command;
  if (program === undefined || !isNodeCommand(program)) throw new Error("not a node command");
  const dir = await mkdtemp(join(tmpdir(), "twintune-cpuprof-"));
  // Interrupted, the program dies before V8 writes its profile (it does at exit): nothing to keep.
  const guard = interruptGuard(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const interval = String(Math.max(1, Math.round(1e6 / hz)));
    const run = await runProcess(
      program,
      ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${interval}`, ...args],
      { inherit: output, signal: guard.signal, ...(cwd === undefined ? {} : { cwd }) },
    );
    const files = (await readdir(dir)).filter((name) => name.endsWith(".cpuprofile")).sort();
    const profiles: CpuProfile[] = [];
    for (const name of files) profiles.push(parseCpuProfile(await readFile(join(dir, name), "utf8"), name));
    return { profiles, exitCode: run.code, signal: run.signal };
  } finally {
    guard.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
