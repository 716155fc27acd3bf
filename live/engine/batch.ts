import { type ApplyOptions, type Change, KnobConflictError, type Receipt } from "../../src/backend.js";
import { knobKey } from "../../src/tuners/tuner.js";
import type { PendingValues } from "../knobs/knob-access.js";
import type { KnobWriter, Planned } from "./knob-writer.js";

export interface BatchOptions extends ApplyOptions {
  /**
   * Called when a change fails its dry run (bounds, availability, permission, or a knob someone
   * else changed): return true to leave it out and go on, false to stop the batch (the default).
   */
  skip?: (change: Change, error: Error) => boolean;
  /**
   * Called when a knob was changed by someone else since twintune wrote it: return true to take it
   * over (an explicit --set: the user asked for exactly this value) rather than yield it. The
   * knob is yielded, then written afresh, so their value becomes the original revert restores.
   */
  takeOver?: (change: Change, conflict: KnobConflictError) => boolean;
}

/** Changes in knob order (scheduler, nr_requests, read-ahead, iosched tunables, then the rest), stable otherwise. */
export function batchOrder(writer: KnobWriter, changes: readonly Change[]): Change[] {
  const order = (change: Change) => writer.knob(change.knob).order;
  return changes
    .map((change, index) => ({ change, index }))
    .sort((a, b) => order(a.change) - order(b.change) || a.index - b.index)
    .map(({ change }) => change);
}

/** One change's dry run; a conflict the caller takes over is yielded (when writing) and planned afresh. */
async function planChange(
  writer: KnobWriter,
  change: Change,
  pending: PendingValues,
  options: BatchOptions,
): Promise<Planned> {
  const ownership = options.dryRun ? "report" : "yield";
  try {
    return await writer.plan(change.knob, change.to, pending, ownership);
  } catch (error) {
    if (!(error instanceof KnobConflictError && options.takeOver?.(change, error))) throw error;
    // Writing, the yield is now in the journal and the knob no longer ours; a dry run wrote nothing.
    return writer.plan(change.knob, change.to, pending, options.dryRun ? "ignore" : "yield");
  }
}

/**
 * Validates a whole batch first (each change sees the values earlier ones will set), so a bad
 * value or a missing permission writes nothing; then writes in order, and when a write fails,
 * undoes the batch's earlier writes with `undo` before rethrowing.
 */
export async function applyBatch(
  writer: KnobWriter,
  changes: readonly Change[],
  options: BatchOptions,
  now: () => number,
  undo: (receipt: Receipt) => Promise<void>,
): Promise<Receipt[]> {
  const pending = new Map<string, unknown>();
  const planned: { change: Change; plan: Planned }[] = [];
  for (const change of batchOrder(writer, changes)) {
    let plan: Planned;
    try {
      plan = await planChange(writer, change, pending, options);
    } catch (error) {
      if (error instanceof Error && options.skip?.(change, error)) continue;
      throw error;
    }
    pending.set(knobKey(change.knob), plan.normalized);
    planned.push({ change, plan });
  }
  if (options.dryRun) {
    const at = now();
    // A tunable that only exists after a pending scheduler switch has no value before: shown as the new one.
    return planned.map(({ change, plan }) => ({
      change,
      previous: plan.current ?? plan.normalized,
      applied: plan.normalized,
      at,
      dryRun: true,
    }));
  }
  const receipts: Receipt[] = [];
  try {
    for (const { change, plan } of planned) {
      const written = await writer.write(plan, pending);
      receipts.push({ change, previous: written.previous, applied: written.applied, at: now(), dryRun: false });
    }
  } catch (error) {
    let undone = 0;
    const stuck: string[] = [];
    for (const receipt of [...receipts].reverse()) {
      await undo(receipt).then(
        () => undone++,
        () => stuck.push(`${receipt.change.knob.knob} on ${receipt.change.knob.target}`),
      );
    }
    // Say what became of the batch's earlier writes: the user sees one error, not what preceded it.
    if (error instanceof Error && receipts.length > 0)
      error.message += `; the batch's ${undone} earlier change(s) were undone${stuck.length > 0 ? `, but not ${stuck.join(", ")} ('twintune live revert' restores them)` : ""}`;
    throw error;
  }
  return receipts;
}
