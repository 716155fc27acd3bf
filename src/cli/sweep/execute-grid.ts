import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import type { RunResult } from "../../report/run-result.js";
import type { CliIO } from "../io.js";
import { PLAIN_PROGRESS_SECONDS } from "../plain-progress.js";
import { progressLine } from "../progress-bar.js";
import { createRunPool } from "./run-pool.js";
import { runQueue } from "./run-queue.js";
import type { RunTask } from "./run-worker.js";
import type { SweepFolder } from "./sweep-folder.js";

/**
 * One run of a grid: its file id, grid point, seed, what the worker gets, and the config hash and
 * model version (engine and catalogs) a stored result must carry to be reused.
 */
export interface GridJob {
  id: string;
  point: number;
  seed: number;
  task: RunTask;
  configHash: string;
  modelVersion: string;
}

export interface GridOutcome {
  results: Map<string, RunResult>;
  interrupted: boolean;
  /** Runs found finished in the folder (resume). */
  reused: number;
}

/** Workers to use: as asked, else one per core, never more than there are runs. */
export function workerCount(asked: number | undefined, runs: number): number {
  return Math.max(1, Math.min(asked ?? availableParallelism(), runs));
}

/**
 * Off a terminal (a log, CI), a progress line at every tenth of the runs, and when
 * PLAIN_PROGRESS_SECONDS have passed without one (checked every 5 s, so a log never waits more
 * than 35 s).
 */
const PLAIN_CHECK_SECONDS = 5;

/**
 * Runs a grid's jobs on a pool of worker threads: reuses runs already stored in `folder`,
 * stores each new one as it finishes, shows a progress bar with ETA on a terminal (plain lines
 * elsewhere), and stops cleanly on Ctrl-C (SIGINT) or `signal`, keeping what finished.
 */
export async function executeGrid(
  jobs: readonly GridJob[],
  options: { workers: number | undefined; io: CliIO; folder?: SweepFolder; signal?: AbortSignal },
): Promise<GridOutcome> {
  const { io, folder } = options;
  const results = new Map<string, RunResult>();
  const pending: GridJob[] = [];
  for (const job of jobs) {
    const stored = folder?.readRun(job.id, job.configHash, job.modelVersion);
    if (stored !== undefined) results.set(job.id, stored.result);
    else pending.push(job);
  }
  const reused = results.size;
  if (pending.length === 0) return { results, interrupted: false, reused };
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  options.signal?.addEventListener("abort", onSigint, { once: true });
  const tty = io.stderr.isTTY === true;
  const started = performance.now();
  let session = 0;
  let lastPlain = { tenth: -1, at: started };
  const show = () => {
    const now = performance.now();
    const line = progressLine(results.size, jobs.length, session, (now - started) / 1000);
    if (tty) {
      io.stderr.write(`\r${line}  `);
      return;
    }
    const tenth = Math.floor((results.size * 10) / jobs.length);
    if (tenth > lastPlain.tenth || now - lastPlain.at >= PLAIN_PROGRESS_SECONDS * 1000) {
      lastPlain = { tenth, at: now };
      io.stderr.write(`twintune: ${line}\n`);
    }
  };
  show();
  // Runs can take longer than the interval: a log still hears from the sweep between them.
  const ticker = tty ? undefined : setInterval(show, PLAIN_CHECK_SECONDS * 1000);
  ticker?.unref();
  const pool = createRunPool(workerCount(options.workers, pending.length));
  const byId = new Map(pending.map((job) => [job.id, job]));
  try {
    const outcome = await runQueue(
      pending.map((job) => ({ id: job.id, task: job.task })),
      (task, signal) => pool.run(task, signal),
      (id, result) => {
        const job = byId.get(id) as GridJob;
        folder?.writeRun({ id, point: job.point, seed: job.seed, configHash: job.configHash, result });
        results.set(id, result);
        session++;
        show();
      },
      controller.signal,
    );
    if (tty) io.stderr.write("\n");
    return { results, interrupted: outcome.interrupted, reused };
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
    process.removeListener("SIGINT", onSigint);
    options.signal?.removeEventListener("abort", onSigint);
    await pool.close();
  }
}
