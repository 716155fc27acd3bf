import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../src/package-root.js";
import { canRun } from "../src/program-path.js";

/**
 * Builds and runs bench/signal-floor.c: the CPU time one sample's wake-up and SIGPROF cost on
 * this machine without V8, the floor under any signal-based sampler. Returns its JSON line, or
 * why it could not run (no C compiler, a failed build).
 */
export function measureSignalFloor(hz: number): Record<string, unknown> {
  const compiler = ["cc", "gcc", "clang"].find((name) => canRun(name, process.env.PATH));
  if (compiler === undefined) return { skipped: "no C compiler on PATH (cc, gcc or clang)" };
  const folder = mkdtempSync(join(tmpdir(), "twintune-signal-floor-"));
  try {
    const binary = join(folder, "signal-floor");
    execFileSync(compiler, ["-O2", "-pthread", "-o", binary, join(packageRoot(), "bench", "signal-floor.c")], {
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 120_000,
    });
    // Five rounds of two 2 s arms: 20 s; a hung run is killed, not waited for.
    const output = execFileSync(binary, [String(hz), "2", "5"], { encoding: "utf8", timeout: 120_000 });
    return JSON.parse(output) as Record<string, unknown>;
  } catch (error) {
    return { skipped: `signal-floor failed: ${(error as Error).message.split("\n")[0]}` };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
