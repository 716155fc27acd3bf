import { randomBytes } from "node:crypto";
import type {
  ApplyOptions,
  Backend,
  Change,
  KnobRef,
  KnobValue,
  Observation,
  Receipt,
  Topology,
} from "../src/backend.js";
import { KnobConflictError, sameKnobValue } from "../src/backend.js";
import type { Clock } from "../src/clock.js";
import { WallClock } from "../src/wall-clock.js";
import { type CommandRunner, ProcessRunner } from "./command-runner.js";
import { discoverTopology, type HostDiscovery } from "./discovery/topology.js";
import { KnobWriter, type Planned } from "./engine/knob-writer.js";
import { type RestoreOutcome, Restorer } from "./engine/restorer.js";
import { NO_HOOK, type WriteHook } from "./engine/test-hook.js";
import { LeftoverJournalError } from "./errors.js";
import { type HostFs, LocalHostFs, type TextFs } from "./host-fs.js";
import { Journal } from "./journal/journal.js";
import type { JournalState } from "./journal/journal-state.js";
import { JournalLock } from "./journal/lock.js";
import { type KnobContext, type PendingValues, refKey } from "./knobs/knob-access.js";
import { LIVE_KNOBS } from "./knobs/knob-table.js";
import { NetnsFs } from "./netns-fs.js";
import { type HostSnapshot, readHostSnapshot } from "./observe/host-snapshot.js";
import { observationBetween } from "./observe/observation.js";

export interface BatchOptions extends ApplyOptions {
  /**
   * Called when a change fails its dry run (bounds, availability, permission, or a knob someone
   * else changed): return true to leave it out and go on, false to stop the batch (the default).
   */
  skip?: (change: Change, error: Error) => boolean;
}

export interface LiveBackendOptions {
  /** The journal's directory (see journal/state-dir.ts). */
  stateDir: string;
  /** The host's files; default: the real host at `root`. */
  fs?: HostFs;
  root?: string;
  runner?: CommandRunner;
  clock?: Clock;
  /** Processes to report as workloads and offer process knobs for. */
  pids?: number[];
  /** Whether writes are permitted at all (default: effective uid 0). */
  isRoot?: boolean;
  /** The first observe() waits this long to have an interval (default 1000 ms). */
  observeWindowMs?: number;
  hook?: WriteHook;
  /** Directory of named network namespaces (default /run/netns). */
  netnsDir?: string;
}

/**
 * The Backend of a real Linux host: procfs and sysfs through one HostFs, knobs from the declared
 * table, every write journaled, verified and revertible (shadow mode is the CLI's default; this
 * class writes only when asked to apply). Changes stay in effect when the process exits: revert
 * or recover restore them.
 */
export class LiveBackend implements Backend {
  readonly kind = "live" as const;
  readonly clock: Clock;
  private readonly writer: KnobWriter;
  private readonly restorer: Restorer;
  private lock: JournalLock | undefined;
  private previous: HostSnapshot | undefined;
  private readonly netnsCache = new Map<string, TextFs>();

  private constructor(
    readonly fs: HostFs,
    readonly journal: Journal,
    private readonly options: LiveBackendOptions & { runner: CommandRunner; isRoot: boolean },
    clock: Clock,
  ) {
    this.clock = clock;
    const context = (pending: PendingValues) => this.context(pending);
    this.writer = new KnobWriter(context, journal, options.hook ?? NO_HOOK);
    this.restorer = new Restorer(context, journal, this.writer);
  }

  static async open(options: LiveBackendOptions): Promise<LiveBackend> {
    const clock = options.clock ?? new WallClock();
    const fs = options.fs ?? (await LocalHostFs.open(options.root ?? "/"));
    const session = `${clock.now().toString(36)}-${process.pid}-${randomBytes(3).toString("hex")}`;
    const journal = await Journal.open(options.stateDir, () => clock.now(), session);
    const full = {
      ...options,
      runner: options.runner ?? new ProcessRunner(),
      isRoot: options.isRoot ?? process.geteuid?.() === 0,
    };
    return new LiveBackend(fs, journal, full, clock);
  }

  private context(pending: PendingValues): KnobContext {
    return {
      host: this.fs,
      runner: this.options.runner,
      isRoot: this.options.isRoot,
      pending,
      netns: (name) => {
        if (name === "host") return this.fs;
        let fs = this.netnsCache.get(name);
        if (fs === undefined) {
          fs = new NetnsFs(name, this.options.runner, process.execPath, this.options.netnsDir);
          this.netnsCache.set(name, fs);
        }
        return fs;
      },
    };
  }

  async discover(): Promise<HostDiscovery> {
    return discoverTopology(this.fs, this.options.runner, this.options.pids ?? []);
  }

  async topology(): Promise<Topology> {
    return (await this.discover()).topology;
  }

  async observe(): Promise<Observation> {
    const disks = (await this.topology()).devices.map((device) => device.name);
    const pids = this.options.pids ?? [];
    if (this.previous === undefined) {
      this.previous = await readHostSnapshot(this.fs, this.clock.now(), pids);
      await this.clock.sleep(this.options.observeWindowMs ?? 1000);
    }
    const current = await readHostSnapshot(this.fs, this.clock.now(), pids);
    const observation = observationBetween(this.previous, current, { disks });
    this.previous = current;
    return observation;
  }

  /** Metrics over a fresh window of `windowMs` starting now (later observe() calls continue from its end). */
  async observeOver(windowMs: number): Promise<Observation> {
    this.previous = undefined;
    const saved = this.options.observeWindowMs;
    this.options.observeWindowMs = windowMs;
    try {
      return await this.observe();
    } finally {
      this.options.observeWindowMs = saved;
    }
  }

  async knobs(): Promise<KnobRef[]> {
    const ctx = this.context(new Map());
    const out: KnobRef[] = [];
    for (const knob of LIVE_KNOBS) {
      const targets =
        knob.group === "process" ? (this.options.pids ?? []).map((pid) => `pid:${pid}`) : await knob.targets(ctx);
      for (const target of targets)
        if (await knob.available(ctx, target).catch(() => false)) out.push({ knob: knob.name, target });
    }
    return out;
  }

  async readKnob(ref: KnobRef): Promise<KnobValue> {
    return this.writer.knob(ref).get(this.context(new Map()), ref.target);
  }

  /** The journal as it stands: managed knobs, interrupted runs, yielded knobs. */
  journalState(): JournalState {
    return this.journal.state();
  }

  /** The refusal to tune while an interrupted run's journal is left, if it is (checked again under the lock). */
  leftover(): LeftoverJournalError | undefined {
    const state = this.journal.state();
    const others = state.interrupted.filter((record) => record.session !== this.journal.session);
    if (others.length === 0) return undefined;
    return new LeftoverJournalError(
      this.journal.path,
      others.map((record) => ({ session: record.session, pid: record.pid, at: record.at })),
      state.managed.length,
    );
  }

  /** Takes the lock and opens this run's session; refuses while an interrupted run's journal is left. */
  private async beginSession(command: string): Promise<void> {
    if (this.journal.inSession) return;
    this.lock = await JournalLock.acquire(this.options.stateDir);
    await this.journal.reload();
    const leftover = command === "recover" ? undefined : this.leftover();
    if (leftover !== undefined) {
      await this.lock.release();
      this.lock = undefined;
      throw leftover;
    }
    await this.journal.append({ type: "begin", pid: process.pid, command });
  }

  /** Ends this run's session (the changes stay in effect) and releases the lock. */
  async close(outcome: "completed" | "failed" | "reverted" = "completed"): Promise<void> {
    if (this.journal.inSession) {
      await this.journal.append({ type: "end", outcome });
      await this.journal.removeIfDone();
    }
    await this.lock?.release();
    this.lock = undefined;
  }

  async apply(change: Change, options: ApplyOptions = {}): Promise<Receipt> {
    const [receipt] = await this.applyAll([change], options);
    return receipt as Receipt;
  }

  /**
   * Applies changes as one batch in knob order (scheduler, nr_requests, read-ahead, iosched
   * tunables, then the rest). Every change is validated first, so a bad value or a missing
   * permission writes nothing; a write failing midway undoes the batch's earlier writes.
   */
  async applyAll(changes: readonly Change[], options: BatchOptions = {}): Promise<Receipt[]> {
    const order = (change: Change) => this.writer.knob(change.knob).order;
    const sorted = changes
      .map((change, index) => ({ change, index }))
      .sort((a, b) => order(a.change) - order(b.change) || a.index - b.index);
    const pending = new Map<string, unknown>();
    const planned: { change: Change; plan: Planned }[] = [];
    if (!options.dryRun) await this.beginSession("apply");
    for (const { change } of sorted) {
      let plan: Planned;
      try {
        plan = await this.writer.plan(change.knob, change.to, pending, !options.dryRun);
      } catch (error) {
        if (error instanceof Error && options.skip?.(change, error)) continue;
        throw error;
      }
      pending.set(refKey(change.knob), plan.normalized);
      planned.push({ change, plan });
    }
    const at = this.clock.now();
    if (options.dryRun) {
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
        const written = await this.writer.write(plan, pending);
        receipts.push({
          change,
          previous: written.previous,
          applied: written.applied,
          at: this.clock.now(),
          dryRun: false,
        });
      }
    } catch (error) {
      for (const receipt of [...receipts].reverse()) await this.revert(receipt).catch(() => undefined);
      throw error;
    }
    return receipts;
  }

  /**
   * Restores the receipt's previous value. When that is the saved original, the journal's
   * record restores it (with what a scheduler switch reset); a knob changed since by someone
   * else is yielded (KnobConflictError), never overwritten.
   */
  async revert(receipt: Receipt): Promise<void> {
    if (receipt.dryRun || sameKnobValue(receipt.previous, receipt.applied)) return;
    await this.beginSession("apply");
    const ref = receipt.change.knob;
    const entry = this.journal.managed(ref);
    if (entry !== undefined && sameKnobValue(entry.record.original, receipt.previous)) {
      const outcome = await this.restorer.restore(entry);
      if (outcome.status === "yielded") throw new KnobConflictError(ref, receipt.applied, await this.readKnob(ref));
      if (outcome.status === "failed") throw new Error(`${ref.knob} on ${ref.target}: ${outcome.detail}`);
      return;
    }
    const plan = await this.writer.plan(ref, receipt.previous);
    await this.writer.write({ ...plan, normalized: receipt.previous });
  }

  /** `live revert`: every managed knob back to its original, in reverse order. */
  async revertAll(): Promise<RestoreOutcome[]> {
    await this.beginSession("revert");
    return this.restorer.restoreAll();
  }

  /**
   * `live recover`: after a crash, restores every original (a knob caught between journal and
   * write counts as ours), then closes the interrupted sessions if all went well.
   */
  async recover(): Promise<RestoreOutcome[]> {
    await this.beginSession("recover");
    const outcomes = await this.restorer.restoreAll();
    if (outcomes.every((outcome) => outcome.status !== "failed")) {
      for (const record of this.journal.state().interrupted) {
        if (record.session !== this.journal.session) {
          await this.journal.append({ type: "end", outcome: "reverted", session: record.session });
        }
      }
    }
    return outcomes;
  }

  /** `live recover --discard`: forget the journal, keep the host as it is. */
  async discardJournal(): Promise<void> {
    this.lock = await JournalLock.acquire(this.options.stateDir);
    await this.journal.discard();
    await this.lock.release();
    this.lock = undefined;
  }
}
