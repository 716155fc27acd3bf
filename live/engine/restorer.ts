import { type KnobRef, KnobUnavailableError, type KnobValue, sameKnobValue } from "../../src/backend.js";
import { knobKey } from "../../src/tuners/tuner.js";
import { knobWriteError } from "../errors.js";
import type { Journal } from "../journal/journal.js";
import type { ManagedKnob } from "../journal/journal-state.js";
import type { KnobAccess, KnobContext, PendingValues } from "../knobs/knob-access.js";
import type { KnobWriter } from "./knob-writer.js";

export interface RestoreOutcome {
  knob: KnobRef;
  path: string;
  original: KnobValue;
  /** restored: written back and verified; unchanged: it already held the original; yielded: someone
   * else changed it, left alone; gone: the device or process no longer exists; failed: see detail. */
  status: "restored" | "unchanged" | "yielded" | "gone" | "failed";
  detail?: string;
}

/**
 * Puts managed knobs back to their saved originals in reverse order of saving (a knob's
 * dependents right after it). One failure never stops the others; each outcome is reported.
 */
export class Restorer {
  constructor(
    private readonly context: (pending: PendingValues) => KnobContext,
    private readonly journal: Journal,
    private readonly writer: KnobWriter,
  ) {}

  async restoreAll(): Promise<RestoreOutcome[]> {
    const outcomes: RestoreOutcome[] = [];
    for (const entry of [...this.journal.state().managed].reverse()) outcomes.push(await this.restore(entry));
    return outcomes;
  }

  async restore(entry: ManagedKnob): Promise<RestoreOutcome> {
    const { record } = entry;
    const ref = record.knob;
    const base = { knob: ref, path: record.path, original: record.original };
    const ctx = this.context(new Map());
    try {
      // Inside: a knob this twintune does not know (a newer one's journal) fails alone.
      const knob = this.writer.knob(ref);
      if (record.identity !== undefined && knob.identity) {
        const now = await knob.identity(ctx, ref.target).catch(() => undefined);
        if (now !== record.identity)
          return this.gone(
            knob,
            ctx,
            base,
            knob.group === "process"
              ? "the process exited (or its pid was reused)"
              : now === undefined
                ? `${ref.target} is gone`
                : `${ref.target} is another ${knob.group === "net" ? "namespace" : "device"} now (${now}, not ${record.identity}): left alone`,
          );
      }
      let current: KnobValue;
      try {
        current = await knob.get(ctx, ref.target);
      } catch (error) {
        if (error instanceof KnobUnavailableError) return this.gone(knob, ctx, base, error.message);
        throw error;
      }
      // Ours: the last verified write, or (after a crash between journal and write) the value being written.
      const ours = [entry.lastWritten, entry.intended].filter((value) => value !== undefined);
      // A knob saved after one of our switches reset it (nr_requests after a scheduler switch) has
      // the host's own value in that switch's record. Once that switch is undone (the scheduler
      // back at its original), that value is the knob's original: the one saved here is the
      // other scheduler's reset, which the kernel may now refuse (256 under none with 32 tags).
      const original = (await this.savedBySwitch(ctx, entry)) ?? record.original;
      const atOriginal = sameKnobValue(current, original);
      base.original = original;
      // Ours too: the value saved as its original (the switch's reset, left again by switching back).
      const known = [...ours, record.original];
      if (!atOriginal && !known.some((value) => sameKnobValue(current, value as KnobValue))) {
        await this.writer.yieldTo(ref, current);
        return {
          ...base,
          status: "yielded",
          detail: `changed by someone else to ${JSON.stringify(current)}; left as is`,
        };
      }
      const theirs = this.othersDependents(entry);
      if (!atOriginal) {
        try {
          await knob.set(ctx, ref.target, original as never, { dryRun: false, restore: true });
        } catch (error) {
          throw knobWriteError(ref, record.path, error);
        }
      }
      // What the switch reset (nr_requests, the scheduler's tunables) goes back too: switching away
      // and back, even within one run, leaves the kernel's defaults, not the host's values.
      const { rewritten, problems, notes } = await this.restoreDependents(ctx, record.dependents ?? [], theirs);
      const check = await knob.verify(ctx, ref.target, original as never);
      if (!check.ok) return { ...base, status: "failed", detail: `reads back ${JSON.stringify(check.found)}` };
      // A dependent of ours not put back keeps the record, so that the next revert tries again.
      if (problems.length > 0)
        return { ...base, status: "failed", detail: `restored, but not: ${problems.join("; ")}` };
      const status = atOriginal && rewritten === 0 ? "unchanged" : "restored";
      const unrecorded = await this.recordReverted(ref);
      if (unrecorded !== undefined) notes.push(unrecorded);
      return notes.length === 0 ? { ...base, status } : { ...base, status, detail: notes.join("; ") };
    } catch (error) {
      return { ...base, status: "failed", detail: (error as Error).message };
    }
  }

  /**
   * The value a managed switch saved earlier than this knob's record took as this knob's before
   * resetting it (a scheduler record's nr_requests): what the host had before twintune. Only once
   * that switch is undone: while it holds, the host's own value is not the knob's original.
   */
  private async savedBySwitch(ctx: KnobContext, entry: ManagedKnob): Promise<KnobValue | undefined> {
    const key = knobKey(entry.record.knob);
    for (const other of this.journal.state().managed) {
      if (other.index >= entry.index) continue;
      const saved = other.record.dependents?.find((dependent) => knobKey(dependent.knob) === key);
      if (saved === undefined) continue;
      const switched = other.record.knob;
      const now = await this.writer
        .knob(switched)
        .get(ctx, switched.target)
        .catch(() => undefined);
      return now !== undefined && sameKnobValue(now, other.record.original) ? saved.value : undefined;
    }
    return undefined;
  }

  /**
   * The dependents someone else owns, with the value the switch back must leave them at: those
   * yielded since this record was saved (in this restore, or when a later switch of ours was about
   * to reset them), each as last found.
   */
  private othersDependents(entry: ManagedKnob): Map<string, KnobValue> {
    const out = new Map<string, KnobValue>();
    const dependents = new Set((entry.record.dependents ?? []).map((dependent) => knobKey(dependent.knob)));
    for (const y of this.journal.state().yielded)
      if (y.index > entry.index && dependents.has(knobKey(y.knob))) out.set(knobKey(y.knob), y.found);
    return out;
  }

  private async restoreDependents(
    ctx: KnobContext,
    dependents: readonly { knob: KnobRef; value: KnobValue }[],
    theirs: ReadonlyMap<string, KnobValue>,
  ) {
    let rewritten = 0;
    const problems: string[] = [];
    /** Someone else's value the kernel would not take back under the original scheduler: theirs to redo. */
    const notes: string[] = [];
    for (const dependent of dependents) {
      const key = knobKey(dependent.knob);
      try {
        const access = this.writer.knob(dependent.knob);
        // Someone else's value is what the switch must not wipe.
        const value = theirs.get(key) ?? dependent.value;
        const now = await access.get(ctx, dependent.knob.target);
        if (sameKnobValue(now, value)) continue;
        await access.set(ctx, dependent.knob.target, value as never, { dryRun: false, restore: true });
        rewritten++;
      } catch (error) {
        const problem = `${dependent.knob.knob} on ${dependent.knob.target}: ${(error as Error).message}`;
        if (theirs.has(key)) notes.push(`${problem} (someone else's value, left to them)`);
        else problems.push(problem);
      }
    }
    return { rewritten, problems, notes };
  }

  /** The target is gone: the knob cleans up what it made for it, and the record is closed. */
  private async gone(
    knob: KnobAccess,
    ctx: KnobContext,
    base: Omit<RestoreOutcome, "status">,
    note: string,
  ): Promise<RestoreOutcome> {
    let cleanup = "";
    if (knob.gone) {
      try {
        await knob.gone(ctx, base.knob.target);
      } catch (error) {
        cleanup = `; cleaning up after it failed: ${(error as Error).message}`;
      }
    }
    return this.close(base, "gone", `${note}${cleanup}`);
  }

  private async close(
    base: Omit<RestoreOutcome, "status">,
    status: "unchanged" | "gone",
    note?: string,
  ): Promise<RestoreOutcome> {
    const unrecorded = await this.recordReverted(base.knob, note);
    const detail = [note, unrecorded].filter((text) => text !== undefined).join("; ");
    return detail === "" ? { ...base, status } : { ...base, status, detail };
  }

  /**
   * Closes a knob's record. The host is done with by then, so a journal that cannot take it (a
   * full disk) only leaves the record open for the next revert to close: said, not a failure.
   */
  private async recordReverted(knob: KnobRef, note?: string): Promise<string | undefined> {
    try {
      await this.journal.append({ type: "reverted", knob, ...(note ? { note } : {}) });
      return undefined;
    } catch (error) {
      return `the journal could not record it (${(error as Error).message}); the next revert closes its record`;
    }
  }
}
