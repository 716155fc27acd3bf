import { availableParallelism } from "node:os";
import type { FeedInfo } from "../../../tui/feed.js";
import { DEFAULT_ORCHESTRATOR_CONFIG } from "../../orchestrator/orchestrator-config.js";
import type { ResolvedScenario } from "../../scenario/load-scenario.js";
import { UserError } from "../errors.js";
import type { CliIO } from "../io.js";
import { processTerminal, showFeed, type Terminal } from "./show-feed.js";
import type { TwinWorkerData } from "./twin-protocol.js";
import { spawnTwinWorker, TwinSession, type WorkerHandle } from "./twin-session.js";

export interface TwinTuiOptions {
  file: string;
  resolved: ResolvedScenario;
  seed: number;
  /** Simulated minutes per second on the screen (the plain log runs unpaced). */
  speed: number;
}

export interface TwinTuiDeps {
  spawn?: (data: TwinWorkerData) => WorkerHandle;
  terminal?: Terminal;
}

/** What the UI is told up front about a twin run. */
export function twinInfo(resolved: ResolvedScenario): FeedInfo {
  const { scenario } = resolved;
  return {
    title: scenario.name,
    mode: "twin",
    components: [...scenario.tuning.components],
    validates: true,
    durationMin: scenario.duration / 60_000,
    intervalMin: scenario.tuning.interval / 60_000,
    // runTuning leaves the orchestrator's convergence threshold at its default.
    thresholdPct: DEFAULT_ORCHESTRATOR_CONFIG.convergenceThreshold * 100,
    controls: { pause: true, speed: true, revert: true },
  };
}

/**
 * `twintune tui` and `twintune run --tui`: the tuning runs on the twin in a worker thread while
 * the UI thread shows it (or logs it plainly when stdout is not a terminal). Returns the exit
 * code: 0 when the operator quit (q) or the run ended, 70 when the run failed, 130 for Ctrl-C
 * (129 and 143 for SIGHUP and SIGTERM).
 */
export async function runTwinTui(options: TwinTuiOptions, io: CliIO, deps: TwinTuiDeps = {}): Promise<number> {
  // The view follows the orchestrator on one host; a fleet runs in the fluid mode, over days.
  if (options.resolved.scenario.fleet !== undefined)
    throw new UserError(
      `${options.resolved.scenario.name} is a fleet scenario: it runs in the fluid mode (days of generated VMs), which the terminal UI does not show; run it with 'twintune run ${options.file}'`,
    );
  const terminal = deps.terminal ?? processTerminal(io);
  const session = new TwinSession({
    info: twinInfo(options.resolved),
    // The forks on threads of their own, as `twintune run` runs them: the same result at any count.
    worker: (deps.spawn ?? spawnTwinWorker)({
      file: options.file,
      seed: options.seed,
      forkThreads: Math.min(4, availableParallelism()),
    }),
    speed: terminal === undefined ? Number.POSITIVE_INFINITY : options.speed,
  });
  let ended: number | undefined;
  try {
    ended = await showFeed(session.feed, (command) => session.command(command), io, terminal);
  } finally {
    await session.close();
  }
  if (session.error !== undefined) {
    io.stderr.write(`twintune: the tuning run failed: ${session.error}\n`);
    return 70;
  }
  if (terminal !== undefined) {
    // Back on the shell's screen: one line on what the operator saw.
    const summary = session.summary;
    io.stdout.write(
      summary === undefined
        ? `${options.resolved.scenario.name}: quit before the run finished\n`
        : `${summary.scenario}: ${summary.converged ? `converged at ${summary.atMinutes} min` : "not converged"}; ${summary.kept} change(s) kept, ${summary.rollbacks} reverted\n`,
    );
  }
  return ended ?? 0;
}
