import { setMaxListeners } from "node:events";
import type { RunResult } from "../../report/run-result.js";
import type { RunTask } from "./run-worker.js";

/** A run to do, with where its result goes. */
export interface QueuedRun {
  id: string;
  task: RunTask;
}

export interface QueueOutcome {
  finished: number;
  interrupted: boolean;
}

/**
 * Runs every queued run through `run` (a pool: as many in flight as it has workers; it queues
 * the rest), handing each result to `onResult` as it finishes. When `signal` aborts, runs not yet
 * finished are abandoned and the outcome says so; finished ones have been handed over already.
 */
export async function runQueue(
  queue: readonly QueuedRun[],
  run: (task: RunTask, signal: AbortSignal) => Promise<RunResult>,
  onResult: (id: string, result: RunResult) => void,
  signal: AbortSignal,
): Promise<QueueOutcome> {
  let finished = 0;
  let failure: unknown;
  const inner = new AbortController();
  // Every queued run listens on this signal: as many listeners as runs is expected, not a leak.
  setMaxListeners(queue.length + 10, inner.signal);
  const stop = () => inner.abort();
  signal.addEventListener("abort", stop, { once: true });
  try {
    await Promise.all(
      queue.map(async ({ id, task }) => {
        try {
          const result = await run(task, inner.signal);
          // A run that finished is kept even if the sweep is being interrupted.
          onResult(id, result);
          finished++;
        } catch (error) {
          if (inner.signal.aborted) return;
          // The first real failure stops the others; it is reported once they have settled.
          failure ??= error;
          inner.abort();
        }
      }),
    );
  } finally {
    signal.removeEventListener("abort", stop);
  }
  if (failure !== undefined && !signal.aborted) throw failure;
  return { finished, interrupted: signal.aborted };
}
