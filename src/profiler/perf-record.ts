import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { parsePerfScript } from "../flamegraph/perf-script-parser.js";
import type { StackProfile } from "../flamegraph/stack-profile.js";
import { interruptGuard } from "./interrupt-guard.js";
import { lastLine, type PassThrough, runProcess, ToolError } from "./run-process.js";

const INSTALL = "install it with 'apt-get install linux-perf' on Debian, 'linux-tools-common' on Ubuntu";

export interface PerfTarget {
  /** A running process to attach to, for `durationSeconds`. */
  pid?: number;
  /** Or a command to start and profile until it exits. */
  command?: readonly string[];
  durationSeconds?: number;
  /** Samples per second per CPU (default 99: a prime-ish rate, off the beat of 10 ms timers). */
  frequency?: number;
  /** Working directory for the command. */
  cwd?: string;
  /** Where the command's stdout goes (default: the terminal). */
  output?: PassThrough;
}

/**
 * Profiles another process with Linux perf: `perf record -F 99 -g` (call graphs by frame
 * pointers), then `perf script`, converted to stacks as stackcollapse-perf.pl would. Node
 * programs need `--perf-basic-prof` for their JavaScript frames to have names (V8 writes the
 * perf map /tmp/perf-PID.map). Needs permission: root, or kernel.perf_event_paranoid ≤ 2 for
 * your own processes.
 */
export async function recordWithPerf(target: PerfTarget): Promise<{ profile: StackProfile; exitCode: number | null }> {
  if ((target.pid === undefined) === (target.command === undefined)) throw new Error("give a pid or a command");
  const dir = await mkdtemp(join(tmpdir(), "twintune-perf-"));
  const data = join(dir, "perf.data");
  // Interrupted (Ctrl-C, a kill), perf and the recording go with us.
  const guard = interruptGuard(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const args = ["record", "-F", String(target.frequency ?? 99), "-g", "-o", data];
    if (target.pid !== undefined) {
      args.push("-p", String(target.pid), "--", "sleep", String(target.durationSeconds ?? 10));
    } else args.push("--", ...(target.command as string[]));
    // A command talks to the terminal; attaching to a pid, perf's own messages are kept for errors.
    const recorded = await runProcess("perf", args, {
      installHint: INSTALL,
      signal: guard.signal,
      ...(target.command === undefined ? {} : { inherit: target.output ?? "terminal" }),
      ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
    });
    if (recorded.code !== 0 && target.pid !== undefined) {
      throw new ToolError(`perf record failed: ${lastLine(recorded.stderr)}`);
    }
    const script = await runProcess("perf", ["script", "-i", data], { installHint: INSTALL });
    if (script.code !== 0) throw new ToolError(`perf script failed: ${lastLine(script.stderr)}`);
    // perf dies of the signal that killed its command: report it the way a shell does (128 + n).
    const exitCode =
      recorded.code ?? (recorded.signal === null ? null : 128 + (constants.signals[recorded.signal] ?? 0));
    return { profile: parsePerfScript(script.stdout, "perf script"), exitCode };
  } finally {
    guard.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
