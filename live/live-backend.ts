import { randomBytes } from "node:crypto";
import { realpath, stat } from "node:fs/promises";
import { join, resolve } from "node:path";

export type { BatchOptions } from "./engine/batch.js";

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
import { type CommandRunner, NoProgramsRunner, ProcessRunner } from "./command-runner.js";
import { discoverBlockDevices } from "./discovery/block-devices.js";
import { kernelHz } from "./discovery/kernel-hz.js";
import type { RingMaximaCache } from "./discovery/net-interfaces.js";
import { discoverTopology, type HostDiscovery } from "./discovery/topology.js";
import { applyBatch, type BatchOptions } from "./engine/batch.js";
import { KnobWriter } from "./engine/knob-writer.js";
import { type RestoreOutcome, Restorer } from "./engine/restorer.js";
import { Session, type SessionOutcome, sessionAlive } from "./engine/session.js";
import { NO_HOOK, type WriteHook } from "./engine/test-hook.js";
import type { LeftoverJournalError } from "./errors.js";
import { type HostFs, LocalHostFs, type TextFs } from "./host-fs.js";
import { Journal } from "./journal/journal.js";
import type { BeginRecord } from "./journal/journal-record.js";
import type { JournalState } from "./journal/journal-state.js";
import type { JournalBusyError } from "./journal/lock.js";
import type { KnobContext, PendingValues } from "./knobs/knob-access.js";
import { LIVE_KNOBS, liveKnob } from "./knobs/knob-table.js";
import { NetnsFs } from "./netns-fs.js";
import { Observer, type ObserveScope } from "./observe/observer.js";

/** A knob reference with its target spelled as the knob spells it (see KnobAccess.canonical). */
export function canonicalRef(ref: KnobRef): KnobRef {
  const canonical = liveKnob(ref.knob)?.canonical;
  return canonical === undefined ? ref : { ...ref, target: canonical(ref.target) };
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
  private readonly session: Session;
  private readonly observer: Observer;
  private readonly netnsCache = new Map<string, TextFs>();
  private hz: Promise<number | undefined> | undefined;
  private readonly ringMaxima: RingMaximaCache = new Map();

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
    this.session = new Session(journal, options.stateDir, options.root ?? "/");
    this.observer = new Observer(fs, clock, options.pids ?? []);
  }

  static async open(options: LiveBackendOptions): Promise<LiveBackend> {
    const clock = options.clock ?? new WallClock();
    // The tree as it really is (links and "/." resolved), so a journal knows it whatever it is called.
    const root = await realpath(options.root ?? "/").catch(() => resolve(options.root ?? "/"));
    const fs = options.fs ?? (await LocalHostFs.open(root));
    const session = `${clock.now().toString(36)}-${process.pid}-${randomBytes(3).toString("hex")}`;
    const journal = await Journal.open(options.stateDir, () => clock.now(), session);
    const full = {
      ...options,
      // A captured tree's programs would act on this host instead (see NoProgramsRunner).
      runner: options.runner ?? (root === "/" ? new ProcessRunner() : new NoProgramsRunner(root)),
      isRoot: options.isRoot ?? process.geteuid?.() === 0,
    };
    return new LiveBackend(fs, journal, { ...full, root }, clock);
  }

  private context(pending: PendingValues): KnobContext {
    return {
      host: this.fs,
      runner: this.options.runner,
      isRoot: this.options.isRoot,
      pending,
      kernelHz: () => {
        this.hz ??= kernelHz(this.fs);
        return this.hz;
      },
      netns: (name) => this.netnsFs(name),
      netnsIdentity: async (name) => {
        const file = join(this.options.netnsDir ?? "/run/netns", name);
        return `${name}@ino:${(await stat(file)).ino}`;
      },
    };
  }

  private netnsFs(name: string): TextFs {
    if (name === "host") return this.fs;
    let fs = this.netnsCache.get(name);
    if (fs === undefined) {
      fs = new NetnsFs(name, this.options.runner, process.execPath, this.options.netnsDir);
      this.netnsCache.set(name, fs);
    }
    return fs;
  }

  /** The host's disks, and the named network namespaces whose TCP counters to read too. */
  private async scope(netns: readonly string[]): Promise<ObserveScope> {
    const disks = (await discoverBlockDevices(this.fs)).map((device) => device.name);
    const names = netns.filter((name) => name !== "host");
    return { disks, namespaces: new Map(names.map((name) => [name, this.netnsFs(name)])) };
  }

  async discover(): Promise<HostDiscovery> {
    return discoverTopology(this.fs, this.options.runner, this.options.pids ?? [], this.ringMaxima);
  }

  async topology(): Promise<Topology> {
    return (await this.discover()).topology;
  }

  /** Since the previous observation; `netns` adds those namespaces' TCP counters (see {@link observeOver}). */
  async observe(netns: readonly string[] = []): Promise<Observation> {
    return this.observer.observe(await this.scope(netns), this.options.observeWindowMs ?? 1000);
  }

  /**
   * Metrics over a fresh window of `windowMs` starting now (later observe() calls continue from
   * its end). The TCP lines are the host's and, for each name in `netns`, that namespace's own
   * (/proc/net is per namespace); a namespace whose counters cannot be read has no line.
   */
  async observeOver(windowMs: number, netns: readonly string[] = []): Promise<Observation> {
    return this.observer.observeOver(await this.scope(netns), windowMs);
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

  /**
   * The journal as it stands: managed knobs, yielded knobs, and the sessions left open, split into
   * those of a run still going (its process alive) and those a crash interrupted.
   */
  journalState(): JournalState & { running: BeginRecord[] } {
    const state = this.journal.state();
    const isRunning = (record: BeginRecord) => record.session !== this.journal.session && sessionAlive(record);
    return {
      ...state,
      interrupted: state.interrupted.filter((record) => !isRunning(record)),
      running: state.interrupted.filter(isRunning),
    };
  }

  /**
   * The refusal to tune while an interrupted run's journal is left, if it is (checked again under
   * the lock). Read afresh: a run that ended since this one opened is not an interrupted one.
   */
  async leftover(): Promise<LeftoverJournalError | JournalBusyError | undefined> {
    if (!this.journal.inSession) await this.journal.reload();
    return this.session.leftover();
  }

  /** Ends this run's session (the changes stay in effect) and releases the lock. */
  async close(outcome: SessionOutcome = "completed"): Promise<void> {
    await this.session.end(outcome);
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
    if (!options.dryRun) await this.session.begin("apply");
    return applyBatch(
      this.writer,
      changes.map((change) => ({ ...change, knob: canonicalRef(change.knob) })),
      options,
      () => this.clock.now(),
      (receipt) => this.undo(receipt),
    );
  }

  /**
   * Restores the receipt's previous value. When that is the saved original, the journal's
   * record restores it (with what a scheduler switch reset); a knob changed since by someone
   * else is yielded (KnobConflictError), never overwritten.
   */
  async revert(receipt: Receipt): Promise<void> {
    await this.undo(receipt);
  }

  /** revert(), saying whether the knob went away with its target (a disk detached, a process gone). */
  private async undo(receipt: Receipt): Promise<"undone" | "gone"> {
    if (receipt.dryRun || sameKnobValue(receipt.previous, receipt.applied)) return "undone";
    await this.session.begin("apply");
    const ref = receipt.change.knob;
    const entry = this.journal.managed(ref);
    if (entry !== undefined && sameKnobValue(entry.record.original, receipt.previous)) {
      const outcome = await this.restorer.restore(entry);
      if (outcome.status === "yielded") throw new KnobConflictError(ref, receipt.applied, await this.readKnob(ref));
      if (outcome.status === "failed") throw new Error(`${ref.knob} on ${ref.target}: ${outcome.detail}`);
      return outcome.status === "gone" ? "gone" : "undone";
    }
    const plan = await this.writer.plan(ref, receipt.previous);
    await this.writer.write({ ...plan, normalized: receipt.previous });
    return "undone";
  }

  /** `live revert`: every managed knob back to its original, in reverse order. */
  async revertAll(): Promise<RestoreOutcome[]> {
    await this.session.begin("revert");
    return this.restorer.restoreAll();
  }

  /**
   * `live recover`: after a crash, restores every original (a knob caught between journal and
   * write counts as ours), then closes the interrupted sessions if all went well.
   */
  async recover(): Promise<RestoreOutcome[]> {
    await this.session.begin("recover");
    const outcomes = await this.restorer.restoreAll();
    if (outcomes.every((outcome) => outcome.status !== "failed")) await this.session.closeInterrupted();
    return outcomes;
  }

  /** `live recover --discard`: forget the journal, keep the host as it is. */
  async discardJournal(): Promise<void> {
    await this.session.discard();
  }
}
