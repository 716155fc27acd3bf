import {
  KnobConflictError,
  type KnobRef,
  KnobUnavailableError,
  type KnobValue,
  KnobValueError,
  sameKnobValue,
} from "../../src/backend.js";
import { knobKey } from "../../src/tuners/tuner.js";
import { KnobVerifyError, knobWriteError } from "../errors.js";
import type { Journal } from "../journal/journal.js";
import type { ManagedKnob } from "../journal/journal-state.js";
import type { KnobAccess, KnobContext, PendingValues } from "../knobs/knob-access.js";
import { liveKnob } from "../knobs/knob-table.js";
import type { WriteHook } from "./test-hook.js";

export interface Planned {
  ref: KnobRef;
  knob: KnobAccess;
  /** Undefined when it only comes into being with an earlier change of the batch (a new scheduler's tunable). */
  current: KnobValue | undefined;
  /** What the write would set, after normalization and the sanity bounds. */
  normalized: KnobValue;
}

export interface Written {
  previous: KnobValue;
  applied: KnobValue;
  changed: boolean;
}

const GONE = Symbol("gone");

/**
 * Writes knobs the safe way: bounds checked and normalized first (dry run), the original
 * appended to the journal and fsync'd before the first write, every write read back (a mismatch
 * is reported and undone), and a knob someone else changed since our last write is yielded,
 * never overwritten.
 */
export class KnobWriter {
  constructor(
    private readonly context: (pending: PendingValues) => KnobContext,
    private readonly journal: Journal,
    private readonly hook: WriteHook,
  ) {}

  knob(ref: KnobRef): KnobAccess {
    const knob = liveKnob(ref.knob);
    if (knob === undefined) throw new KnobUnavailableError(ref, "the live backend does not offer this knob");
    return knob;
  }

  /**
   * The dry run: validates and normalizes, checks we may write and nobody else changed it. Writes
   * nothing to the host. A knob someone else changed since our write is, by `ownership`: "yield",
   * recorded as yielded in the journal (a session about to write) and refused; "report", only
   * refused (shadow mode writes no file at all); "ignore", planned as if never ours (a dry run of
   * a take-over, which yields it first).
   */
  async plan(
    ref: KnobRef,
    value: KnobValue,
    pending: PendingValues = new Map(),
    ownership: "yield" | "report" | "ignore" = "yield",
  ): Promise<Planned> {
    const knob = this.knob(ref);
    const ctx = this.context(pending);
    try {
      knob.path(ref.target); // a block target that is no device name ('../vda', 'vda/x/y') is refused here
    } catch (error) {
      throw new KnobValueError(ref, (error as Error).message);
    }
    let available: boolean;
    try {
      available = await knob.available(ctx, ref.target);
    } catch (error) {
      throw knobWriteError(ref, knob.path(ref.target), error);
    }
    if (!available) {
      const why = await knob.unavailableWhy?.(ctx, ref.target).catch(() => undefined);
      throw new KnobUnavailableError(ref, `not offered here (${why ?? knob.path(ref.target)})`);
    }
    let current: KnobValue | undefined;
    try {
      current = await knob.get(ctx, ref.target);
    } catch (error) {
      // available() said yes, so a missing file comes with an earlier change of the batch.
      if (!(error instanceof KnobUnavailableError && pending.size > 0)) throw error;
    }
    let normalized = await knob.set(ctx, ref.target, value as never, { dryRun: true });
    // What we wrote last time for the same request, as the kernel holds it (read_expire=501 reads
    // back 504 at HZ=250): asking again changes nothing.
    const entry = this.journal.managed(ref);
    if (
      current !== undefined &&
      entry?.lastWritten !== undefined &&
      sameKnobValue(entry.intended, normalized) &&
      sameKnobValue(entry.lastWritten, current)
    )
      normalized = current;
    if (current !== undefined && ownership !== "ignore") await this.checkOwnership(ref, current, ownership === "yield");
    // Writability of a file that does not exist yet is its parent change's (checked there).
    if (current !== undefined && !sameKnobValue(current, normalized)) {
      try {
        await knob.writable(ctx, ref.target);
      } catch (error) {
        throw knobWriteError(ref, knob.path(ref.target), error);
      }
    }
    return { ref, knob, current, normalized };
  }

  /** Throws KnobConflictError (and records the yield) when a managed knob no longer holds what we wrote. */
  private async checkOwnership(ref: KnobRef, current: KnobValue, record: boolean): Promise<void> {
    const entry = this.journal.managed(ref);
    if (entry === undefined || !changedByOthers(entry, current)) return;
    if (record) await this.yieldTo(ref, current);
    throw new KnobConflictError(ref, entry.lastWritten ?? entry.intended, current);
  }

  /** Records that someone else's value now holds: twintune no longer manages the knob. */
  async yieldTo(ref: KnobRef, found: KnobValue): Promise<void> {
    await this.journal.append({ type: "yielded", knob: ref, found });
  }

  /**
   * Applies a planned change: journal, write, read back. The value before is read again here,
   * since an earlier write of the batch may have changed it (a scheduler switch resets nr_requests).
   */
  async write(planned: Planned, pending: PendingValues = new Map()): Promise<Written> {
    const { ref, knob, normalized } = planned;
    const ctx = this.context(pending);
    const current = await knob.get(ctx, ref.target);
    await this.checkOwnership(ref, current, true);
    if (sameKnobValue(current, normalized)) return { previous: current, applied: current, changed: false };
    await this.yieldChangedDependents(ctx, knob, ref);
    const entry = this.journal.managed(ref);
    if (entry === undefined) {
      const dependents = await this.dependentValues(ctx, knob, ref, true);
      const identity = knob.identity ? await knob.identity(ctx, ref.target) : undefined;
      await this.journal.append({
        type: "original",
        knob: ref,
        path: knob.path(ref.target),
        original: current,
        intended: normalized,
        ...(identity === undefined ? {} : { identity }),
        ...(dependents.length === 0 ? {} : { dependents }),
      });
    } else {
      await this.journal.append({ type: "intent", knob: ref, value: normalized });
    }
    await this.hook.afterJournal();
    // What a switch will reset (nr_requests, the scheduler's tunables), as it is now: an undone
    // write puts these back too.
    const dependentsNow = await this.dependentValues(ctx, knob, ref);
    try {
      await knob.set(ctx, ref.target, normalized as never, { dryRun: false });
    } catch (error) {
      await this.settle(ref, knob, ctx, current, entry, "the write failed");
      throw knobWriteError(ref, knob.path(ref.target), error);
    }
    const check = await knob.verify(ctx, ref.target, normalized as never);
    if (!check.ok) {
      await this.undoWrite(knob, ref, current, dependentsNow);
      await this.settle(ref, knob, ctx, current, entry, "read back a different value");
      throw new KnobVerifyError(
        ref,
        normalized,
        check.found,
        knob.explainMismatch?.(current as never, normalized as never, check.found as never),
      );
    }
    try {
      await this.journal.written(ref, check.found);
    } catch (error) {
      // Unrecorded, the write is undone: the journal's open record (original, intended) then
      // matches the host, and the next revert or recover closes it.
      await this.undoWrite(knob, ref, current, dependentsNow);
      throw error;
    }
    await this.noteResets(ctx, knob, ref);
    return { previous: current, applied: check.found, changed: true };
  }

  /** After a failed or undone write: the journal says what the knob holds now. */
  private async settle(
    ref: KnobRef,
    knob: KnobAccess,
    ctx: KnobContext,
    before: KnobValue,
    entry: ManagedKnob | undefined,
    why: string,
  ): Promise<void> {
    const now = await knob
      .get(ctx, ref.target)
      .catch((error) => (error instanceof KnobUnavailableError ? GONE : undefined));
    if (now === GONE) {
      // The disk, namespace or process went away under the write: nothing of it is left to restore.
      await this.journal.append({ type: "reverted", knob: ref, note: `${why}; ${ref.target} is gone` });
      return;
    }
    if (now !== undefined && sameKnobValue(now, before)) {
      if (entry === undefined) await this.journal.append({ type: "reverted", knob: ref, note: `${why}; unchanged` });
      else await this.journal.append({ type: "written", knob: ref, value: now });
    }
    // Otherwise the record stays open with its original: revert/recover will deal with it.
  }

  /**
   * Before a write that resets other knobs (a scheduler switch resets nr_requests): a managed one
   * someone else changed since our write is theirs, yielded now, so the reset is not recorded as
   * ours and the switch back restores their value (see the restorer).
   */
  private async yieldChangedDependents(ctx: KnobContext, knob: KnobAccess, ref: KnobRef): Promise<void> {
    if (!knob.dependents) return;
    for (const dependent of await knob.dependents(ctx, ref.target)) {
      const managed = this.journal.managed(dependent);
      if (managed === undefined) continue;
      const current = await this.knob(dependent)
        .get(ctx, dependent.target)
        .catch(() => undefined);
      if (current !== undefined && changedByOthers(managed, current)) await this.yieldTo(dependent, current);
    }
  }

  /**
   * The knob's dependents with their values now (those that can be read), or, with `originals`,
   * at their saved original where we already manage them: what a write to `knob` would reset.
   */
  private async dependentValues(ctx: KnobContext, knob: KnobAccess, ref: KnobRef, originals = false) {
    if (!knob.dependents) return [];
    const out: { knob: KnobRef; value: KnobValue }[] = [];
    for (const dependent of await knob.dependents(ctx, ref.target)) {
      const managed = originals ? this.journal.managed(dependent) : undefined;
      const value = managed
        ? managed.record.original
        : await this.knob(dependent)
            .get(ctx, dependent.target)
            .catch(() => undefined);
      if (value !== undefined) out.push({ knob: dependent, value });
    }
    return out;
  }

  /** Puts a knob back as it was before our write, and what the write reset with it (best effort). */
  private async undoWrite(
    knob: KnobAccess,
    ref: KnobRef,
    before: KnobValue,
    dependents: readonly { knob: KnobRef; value: KnobValue }[],
  ): Promise<void> {
    // The host as it is, not as the batch's pending values would have it (the undone switch).
    const ctx = this.context(new Map());
    await knob.set(ctx, ref.target, before as never, { dryRun: false, restore: true }).catch(() => undefined);
    // In knob order: nr_requests before the tunables (mq-deadline derives async_depth from it).
    const ordered = [...dependents].sort((a, b) => this.knob(a.knob).order - this.knob(b.knob).order);
    for (const dependent of ordered) {
      const access = this.knob(dependent.knob);
      const now = await access.get(ctx, dependent.knob.target).catch(() => undefined);
      if (now === undefined || sameKnobValue(now, dependent.value)) continue;
      await access
        .set(ctx, dependent.knob.target, dependent.value as never, { dryRun: false, restore: true })
        .catch(() => undefined);
    }
  }

  /**
   * A scheduler switch resets nr_requests and replaces the iosched tunables: record what the kernel
   * set for the ones we manage, so the reset is not mistaken for someone else's edit. A tunable that
   * vanished with its scheduler is closed: the scheduler's own record restores the originals.
   */
  private async noteResets(ctx: KnobContext, knob: KnobAccess, ref: KnobRef): Promise<void> {
    if (!knob.dependents) return;
    const device = `${ref.target}/`;
    for (const entry of this.journal.state().managed) {
      const other = entry.record.knob;
      if (knobKey(other) === knobKey(ref) || !(other.target === ref.target || other.target.startsWith(device)))
        continue;
      if (other.knob !== "nr-requests" && other.knob !== "iosched-tunable") continue;
      const value = await this.knob(other)
        .get(ctx, other.target)
        .catch(() => undefined);
      if (value === undefined) {
        await this.journal.append({ type: "reverted", knob: other, note: `replaced by the ${ref.knob} switch` });
      } else await this.journal.written(other, value);
    }
  }
}

/** A managed knob holds neither what we last wrote nor, never written yet, its original. */
function changedByOthers(entry: ManagedKnob, current: KnobValue): boolean {
  if (sameKnobValue(current, entry.lastWritten ?? entry.intended)) return false;
  // Never written (a crash between journal and write): still at its original, nobody else's.
  return !(entry.lastWritten === undefined && sameKnobValue(current, entry.record.original));
}
