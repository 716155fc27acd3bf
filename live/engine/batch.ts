import { type ApplyOptions, type Change, KnobConflictError, type Receipt, sameKnobValue } from "../../src/backend.js";
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
   * Whether `change` takes over a knob someone else changed since twintune wrote it (an explicit
   * --set: the user asked for exactly this value) rather than yield it. The knob is yielded, then
   * written afresh, so their value becomes the original revert restores.
   */
  takeOver?: (change: Change) => boolean;
  /** Told of each take-over that will write (not when the knob already holds the value asked for). */
  tookOver?: (change: Change, conflict: KnobConflictError) => void;
}

/** Changes in knob order (scheduler, nr_requests, read-ahead, iosched tunables, then the rest), stable otherwise. */
export function batchOrder(writer: KnobWriter, changes: readonly Change[]): Change[] {
  const order = (change: Change) => writer.knob(change.knob).order;
  return changes
    .map((change, index) => ({ change, index }))
    .sort((a, b) => order(a.change) - order(b.change) || a.index - b.index)
    .map(({ change }) => change);
}

interface PlannedChange {
  change: Change;
  plan: Planned;
  /** A knob someone else changed that this change takes over: yielded just before its write. */
  takesOver?: KnobConflictError;
}

/** A take-over that writes: not one asking for the value the knob already holds (it is only yielded). */
function writesTakeOver({ plan, takesOver }: PlannedChange): boolean {
  return takesOver !== undefined && (plan.current === undefined || !sameKnobValue(plan.current, plan.normalized));
}

/** One change's dry run; a conflict the caller takes over is planned as if the knob were not ours. */
async function planChange(
  writer: KnobWriter,
  change: Change,
  pending: PendingValues,
  options: BatchOptions,
): Promise<PlannedChange> {
  const takesOver = options.takeOver?.(change) === true;
  const ownership = options.dryRun || takesOver ? "report" : "yield";
  try {
    return { change, plan: await writer.plan(change.knob, change.to, pending, ownership) };
  } catch (error) {
    if (!(error instanceof KnobConflictError && takesOver)) throw error;
    return { change, plan: await writer.plan(change.knob, change.to, pending, "ignore"), takesOver: error };
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
  undo: (receipt: Receipt) => Promise<"undone" | "gone">,
): Promise<Receipt[]> {
  const pending = new Map<string, unknown>();
  const planned: PlannedChange[] = [];
  for (const change of batchOrder(writer, changes)) {
    let entry: PlannedChange;
    try {
      entry = await planChange(writer, change, pending, options);
    } catch (error) {
      if (error instanceof Error && options.skip?.(change, error)) continue;
      throw error;
    }
    pending.set(knobKey(change.knob), entry.plan.normalized);
    planned.push(entry);
  }
  if (options.dryRun) {
    for (const entry of planned)
      if (entry.takesOver && writesTakeOver(entry)) options.tookOver?.(entry.change, entry.takesOver);
    const at = now();
    // A tunable that only exists after a pending scheduler switch has no value before: shown as the new one.
    return planned.map(({ change, plan }) => ({
      change,
      previous: plan.current ?? plan.normalized,
      applied: plan.normalized,
      at,
      dryRun: true,
      ...(plan.current === undefined ? { createdByBatch: true as const } : {}),
    }));
  }
  const receipts: Receipt[] = [];
  try {
    for (const entry of planned) {
      const { change, plan, takesOver } = entry;
      if (takesOver) {
        // Their value is no longer twintune's to restore: the write below journals it as the original.
        await writer.yieldTo(change.knob, takesOver.found);
        if (writesTakeOver(entry)) options.tookOver?.(change, takesOver);
      }
      const written = await writer.write(plan, pending);
      receipts.push({ change, previous: written.previous, applied: written.applied, at: now(), dryRun: false });
    }
  } catch (error) {
    let undone = 0;
    const gone: string[] = [];
    const stuck: string[] = [];
    for (const receipt of [...receipts].reverse()) {
      const what = `${receipt.change.knob.knob} on ${receipt.change.knob.target}`;
      await undo(receipt).then(
        (outcome) => (outcome === "gone" ? gone.push(what) : undone++),
        () => stuck.push(what),
      );
    }
    // Say what became of the batch's earlier writes: the user sees one error, not what preceded it.
    if (error instanceof Error && receipts.length > 0) {
      const parts = [`the batch's ${undone} earlier change(s) were undone`];
      if (gone.length > 0)
        parts.push(`${gone.join(", ")} went away with ${gone.length === 1 ? "its target" : "their targets"}`);
      if (stuck.length > 0) parts.push(`not ${stuck.join(", ")} ('twintune live revert' restores them)`);
      error.message += `; ${parts.join("; ")}`;
    }
    throw error;
  }
  return receipts;
}
