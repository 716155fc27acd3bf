import type { Backend, Change, KnobRef, KnobValue, Observation, Receipt, ServiceLevel, Topology } from "../backend.js";
import { formatKnobValue, sameKnobValue } from "../backend.js";
import type { Recommendation, Tuner } from "../tuners/tuner.js";
import { knobKey } from "../tuners/tuner.js";
import { abVerdict, type SloSample } from "./ab-test.js";
import { ConvergenceTracker, serviceScore } from "./convergence.js";
import type { Counterfactual } from "./counterfactual.js";
import { gradualStep } from "./gradual-step.js";
import { KnobTracker } from "./knob-tracker.js";
import { DEFAULT_ORCHESTRATOR_CONFIG, type OrchestratorConfig } from "./orchestrator-config.js";
import type { OrchestratorUpdate, TuningEvent } from "./tuning-event.js";
import { describeWorst, type WhatIfPrediction, whatIfPrediction } from "./what-if.js";

/** One component's changes of one round: applied together, judged together, reverted together. */
interface Batch {
  receipts: Receipt[];
  appliedAt: number;
  /** Knob values just before the batch (what the counterfactual starts from). */
  stateBefore: Map<string, KnobValue>;
  expected: Map<string, number>;
}

/** One or more recommendations judged and applied together. */
interface Candidate {
  id: string;
  recommendations: Recommendation[];
  expectedImpact: number;
}

interface TimedSample extends SloSample {
  time: number;
  monthlyCostUsd: number;
}

export interface OrchestratorOptions {
  config?: Partial<OrchestratorConfig>;
  /** The twin's capability to run the same future twice; absent on live hosts. */
  counterfactual?: Counterfactual;
  /** Receives every event, window and sample as it happens (read-only). */
  onUpdate?: (update: OrchestratorUpdate) => void;
}

/** A sample of the service level and of each request-serving workload (batch work is not judged per workload). */
export function sloSample(observation: Observation, topology: Topology | undefined): SloSample | undefined {
  const service: ServiceLevel | undefined = observation.service;
  if (service === undefined) return undefined;
  const serving = new Set(
    topology?.workloads.filter((w) => w.priority !== "batch" && !w.tags.includes("bulk")).map((w) => w.id) ?? [],
  );
  const workloads: Record<string, { throughputRps: number; p95LatencyMs: number }> = {};
  for (const w of observation.workloads) {
    if (serving.has(w.id) && w.throughputRps !== undefined && w.latencyMs !== undefined)
      workloads[w.id] = { throughputRps: w.throughputRps, p95LatencyMs: w.latencyMs.p95 };
  }
  return {
    throughputRps: service.throughputRps,
    p95LatencyMs: service.latencyMs.p95,
    errorRate: service.errorRate,
    workloads,
  };
}

function toSample(observation: Observation, topology: Topology | undefined): TimedSample | undefined {
  const sample = sloSample(observation, topology);
  if (sample === undefined || observation.service === undefined) return undefined;
  return { ...sample, time: observation.time, monthlyCostUsd: observation.service.monthlyCostUsd };
}

/** A proposal as the twin judges it: the knob and the value proposed for it. */
function proposalKey(recommendation: Recommendation): string {
  return `${knobKey(recommendation.knob)}=${JSON.stringify(recommendation.to)}`;
}

function signed(fraction: number): string {
  return `${fraction >= 0 ? "+" : ""}${(fraction * 100).toFixed(1)}%`;
}

function averageService(samples: readonly TimedSample[]): ServiceLevel {
  const avg = (pick: (s: TimedSample) => number) =>
    samples.reduce((sum, s) => sum + pick(s), 0) / Math.max(1, samples.length);
  const p95 = avg((s) => s.p95LatencyMs);
  return {
    throughputRps: avg((s) => s.throughputRps),
    latencyMs: { p50: p95, p95, p99: p95, mean: p95 },
    errorRate: avg((s) => s.errorRate),
    iops: 0,
    monthlyCostUsd: avg((s) => s.monthlyCostUsd),
  };
}

/**
 * The auto-tuning orchestrator. Every interval `runOnce` runs the same named steps: observe,
 * validate (judge changes whose validation period is over: keep or revert), recommend, rank,
 * plan (dry run), apply (gradual, within the concurrency limit), record. Only it applies changes;
 * tuners just recommend. It stops a knob that oscillates or keeps failing, and knows when the
 * service stopped improving (convergence).
 */
export class Orchestrator {
  readonly config: OrchestratorConfig;
  private readonly events: TuningEvent[] = [];
  private readonly samples: TimedSample[] = [];
  private readonly inFlight: Batch[] = [];
  private readonly tracker: KnobTracker;
  readonly convergence: ConvergenceTracker;
  private readonly kept: { key: string; at: number }[] = [];
  private topologyCache: Topology | undefined;
  private latest: Observation | undefined;
  private readonly recentObservations: Observation[] = [];
  private startedAt: number | undefined;
  private changeCounter = 0;
  /** Proposed values (knob=value) the twin judged not worth it, with the knob state they were judged against. */
  private readonly judgedAgainst = new Map<string, string>();
  /** Candidates a round deferred (they gained alone but risked a revert with higher-ranked ones), by group id. */
  private deferred = new Set<string>();
  private stopRequested = false;
  /** Applied changes still in effect, oldest first, with the time of the apply step (what revertLast undoes). */
  private readonly inEffect: { receipt: Receipt; at: number }[] = [];
  /** The step runOnce is in, so revertLast can refuse to run in the middle of one that changes knobs. */
  private step: string | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly tuners: readonly Tuner[],
    private readonly options: OrchestratorOptions = {},
  ) {
    this.config = { ...DEFAULT_ORCHESTRATOR_CONFIG, ...options.config };
    this.tracker = new KnobTracker(this.config.oscillationLimit, this.config.failureLimit);
    this.convergence = new ConvergenceTracker(this.config.convergenceThreshold * 100);
  }

  /** Backend time of the first round's start (ms), once started. */
  get startTime(): number | undefined {
    return this.startedAt;
  }

  /** The tuning history so far (the seed document's `GetTuningHistory`). */
  history(): readonly TuningEvent[] {
    return this.events;
  }

  /** Runs rounds until `signal` aborts, `stop()` is called, or `durationMs` of backend time has passed. */
  async start(signal?: AbortSignal, durationMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.stopRequested = false;
    const start = this.backend.clock.now();
    while (!this.stopRequested && !signal?.aborted && this.backend.clock.now() - start < durationMs) {
      await this.runOnce();
      // On the twin a round is all computation: let timers, I/O and signal handlers run between
      // rounds, or an abort() from any of them could never arrive.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Ends a run cleanly: every change still in flight is judged now (on the twin, by its
   * counterfactual over a full validation period; on a live host, on the samples so far) and kept
   * or reverted, so no unvalidated change is left behind.
   */
  async finish(): Promise<void> {
    for (const batch of this.inFlight)
      batch.appliedAt = Math.min(batch.appliedAt, this.backend.clock.now() - this.config.validationPeriodMs);
    await this.validate();
  }

  /** One tuning interval, as a list of named steps. */
  async runOnce(): Promise<void> {
    if (this.startedAt === undefined) {
      this.startedAt = this.backend.clock.now();
      await this.backend.observe(); // start the first interval's counters
    }
    const windowStart = this.backend.clock.now();
    try {
      this.step = "observe";
      const intervalSamples = await this.observe();
      // What ran during the window just observed: the window's score is this configuration's,
      // not the one this round's reverts and changes leave for the next window.
      const inForce = new Map(this.knobValues);
      this.step = "validate";
      await this.validate();
      this.step = "rank";
      const candidates = this.recommend();
      const ranked = await this.rank(candidates);
      this.step = "plan";
      const planned = await this.plan(ranked);
      this.step = "apply";
      const applied = await this.apply(planned);
      // Idle: nothing applied or reverted this round and nothing waiting for its verdict.
      const unchanged = [...inForce].every(([key, value]) => sameKnobValue(this.knobValues.get(key) ?? value, value));
      this.step = "record";
      await this.record(
        windowStart,
        intervalSamples,
        inForce,
        applied === 0 && this.inFlight.length === 0 && unchanged,
      );
    } finally {
      this.step = undefined;
    }
  }

  /**
   * Undoes the most recent change still in effect, with the changes applied in the same step for
   * the same component and target (a VM's pinning and its memory policy go together), whether it
   * is still being validated or was kept. The knobs are then held: no tuner may change them again
   * in this run. For an operator ("revert the last change"); call it between rounds or while the
   * orchestrator waits on its clock during observation (a paced run's gate), never from inside
   * another step. Returns the events it recorded (none if nothing was in effect).
   */
  async revertLast(reason = "reverted by the operator"): Promise<TuningEvent[]> {
    if (this.step !== undefined && this.step !== "observe")
      throw new Error(`revertLast during the ${this.step} step: call it between rounds or while observing`);
    const last = this.inEffect.at(-1);
    if (last === undefined) return [];
    const group = this.inEffect.filter(
      (entry) =>
        entry.at === last.at &&
        entry.receipt.change.component === last.receipt.change.component &&
        entry.receipt.change.knob.target === last.receipt.change.knob.target,
    );
    const first = this.events.length;
    for (const { receipt } of [...group].reverse()) {
      this.inEffect.splice(
        this.inEffect.findIndex((entry) => entry.receipt === receipt),
        1,
      );
      for (const batch of this.inFlight) {
        const index = batch.receipts.indexOf(receipt);
        if (index >= 0) batch.receipts.splice(index, 1);
      }
      const key = knobKey(receipt.change.knob);
      if (!(await this.undo(receipt))) continue;
      this.event({ ...this.eventBase(receipt), action: "revert", impact: 0, success: false, rolledBack: true, reason });
      const held = this.tracker.hold(key, receipt.previous, `${reason}: not tuned again in this run`);
      if (held !== undefined)
        this.event({
          ...this.eventBase(receipt),
          action: "freeze",
          impact: 0,
          success: false,
          rolledBack: false,
          reason: held,
        });
    }
    for (let i = this.inFlight.length - 1; i >= 0; i--) {
      if (this.inFlight[i]?.receipts.length === 0) this.inFlight.splice(i, 1);
    }
    await this.refreshKnobs();
    return this.events.slice(first);
  }

  // -- the steps ----------------------------------------------------------------------------

  /**
   * Observe: samples of about `sampleMs` until the interval has passed. The interval is split
   * evenly (150 s in samples of 50 s, not three of 60), so a round lasts what the configuration
   * says and convergence windows are the interval's length.
   */
  private async observe(): Promise<TimedSample[]> {
    const out: TimedSample[] = [];
    const samplesPerInterval = Math.max(1, Math.round(this.config.tuningIntervalMs / this.config.sampleMs));
    const sampleMs = this.config.tuningIntervalMs / samplesPerInterval;
    for (let i = 0; i < samplesPerInterval; i++) {
      await this.backend.clock.sleep(sampleMs);
      const observation = await this.backend.observe();
      if (this.latest !== undefined) this.recentObservations.push(this.latest);
      // A day of one-minute samples: enough for the right-sizer's observation period on long runs.
      if (this.recentObservations.length > 1440) this.recentObservations.shift();
      this.latest = observation;
      const sample = toSample(observation, this.topologyCache);
      if (sample !== undefined) {
        out.push(sample);
        this.samples.push(sample);
        this.options.onUpdate?.({
          type: "sample",
          time: sample.time,
          throughputRps: sample.throughputRps,
          p95LatencyMs: sample.p95LatencyMs,
          monthlyCostUsd: sample.monthlyCostUsd,
          cpuUtilization: observation.host.cpuUtilization,
          memoryUtilization: observation.host.memoryUtilization,
        });
      }
    }
    return out;
  }

  /** Validate: judge every batch whose validation period is over; keep it or revert it. */
  private async validate(): Promise<void> {
    const now = this.backend.clock.now();
    const due = this.inFlight.filter((batch) => now - batch.appliedAt >= this.config.validationPeriodMs);
    // Each batch is judged against its own state before, so their A/B runs can go in parallel.
    const samples = await Promise.all(due.map((batch) => this.abSamples(batch)));
    for (const [index, batch] of due.entries()) {
      this.inFlight.splice(this.inFlight.indexOf(batch), 1);
      const { before, after, paired, costBefore, costAfter } = samples[index] as (typeof samples)[number];
      const verdict = abVerdict(before, after, this.config.degradationThreshold, paired);
      const costImpact = costBefore > 0 ? (costBefore - costAfter) / costBefore : 0;
      const impact = Math.max(verdict.impact, costImpact);
      const worst = verdict.metrics.reduce((a, b) => (b.worsening > a.worsening ? b : a));
      if (verdict.degraded && this.config.autoRollback) {
        for (const receipt of [...batch.receipts].reverse()) {
          if (!(await this.undo(receipt))) continue;
          const key = knobKey(receipt.change.knob);
          this.forgetInEffect(receipt);
          const disabled = this.tracker.failed(key, receipt.previous);
          this.event({
            ...this.eventBase(receipt),
            action: "revert",
            impact: -worst.worsening,
            success: false,
            rolledBack: true,
            reason: `${describeWorst(worst)} (${paired ? "paired t-test on common random numbers" : "Welch t-test before/after"}, p < 0.05); threshold ${(this.config.degradationThreshold * 100).toFixed(0)}%`,
          });
          if (disabled !== undefined)
            this.event({
              ...this.eventBase(receipt),
              action: "disable",
              impact: 0,
              success: false,
              rolledBack: false,
              reason: disabled,
            });
        }
        await this.refreshKnobs();
        continue;
      }
      // Degraded with auto rollback off: kept because the operator said so, and recorded as the
      // failure it is, never as a success.
      const keptDegraded = verdict.degraded;
      for (const receipt of batch.receipts) {
        const key = knobKey(receipt.change.knob);
        if (keptDegraded) this.tracker.failed(key, receipt.applied);
        else this.tracker.succeeded(key);
        this.kept.push({ key, at: batch.appliedAt });
        this.event({
          ...this.eventBase(receipt),
          action: "keep",
          impact: keptDegraded ? -worst.worsening : impact,
          success: !keptDegraded,
          rolledBack: false,
          reason: keptDegraded
            ? `${describeWorst(worst)} (p < 0.05, threshold ${(this.config.degradationThreshold * 100).toFixed(0)}%); not reverted: auto rollback is off`
            : `no service-level metric degraded by more than ${(this.config.degradationThreshold * 100).toFixed(0)}% over ${Math.round(this.config.validationPeriodMs / 60_000)} min${costImpact > 0 ? `; cost -${(costImpact * 100).toFixed(1)}%` : ""}`,
        });
      }
    }
  }

  /** The samples an A/B test compares: paired counterfactual runs on the twin, else before/after on the timeline. */
  private async abSamples(
    batch: Batch,
  ): Promise<{ before: SloSample[]; after: SloSample[]; paired: boolean; costBefore: number; costAfter: number }> {
    const counterfactual = this.options.counterfactual;
    if (counterfactual !== undefined) {
      const result = await counterfactual.compare(
        batch.stateBefore,
        batch.receipts.map((r) => ({ ...r.change, to: r.applied })),
        this.config.validationPeriodMs,
        this.config.sampleMs,
      );
      return { before: result.a, after: result.b, paired: true, costBefore: result.costA, costAfter: result.costB };
    }
    const window = this.config.validationPeriodMs;
    const before = this.samples.filter((s) => s.time > batch.appliedAt - window && s.time <= batch.appliedAt);
    const after = this.samples.filter((s) => s.time > batch.appliedAt && s.time <= batch.appliedAt + window);
    const cost = (list: TimedSample[]) => list.reduce((sum, s) => sum + s.monthlyCostUsd, 0) / Math.max(1, list.length);
    return { before, after, paired: false, costBefore: cost(before), costAfter: cost(after) };
  }

  /** Recommend: every tuner's proposals for knobs not frozen and not already in flight. */
  private recommend(): Recommendation[] {
    const observation = this.latest;
    const topology = this.topologyCache;
    if (observation === undefined || topology === undefined) return [];
    const busy = new Set(this.inFlight.flatMap((batch) => batch.receipts.map((r) => knobKey(r.change.knob))));
    const context = {
      topology,
      observation,
      history: this.recentObservations,
      knobs: this.knobValues,
      recentChanges: this.kept,
      now: this.backend.clock.now(),
    };
    // Components may propose different values for one knob (the NUMA optimizer a whole node for
    // a VM, CPU pinning a few of its threads): each value is a candidate of its own, and ranking
    // and admission let at most one per knob through. The same value twice is one candidate; one
    // the twin already judged not worth it on this state (see rank) rests.
    const state = JSON.stringify([...this.knobValues]);
    const best = new Map<string, Recommendation>();
    for (const tuner of this.tuners) {
      for (const recommendation of tuner.recommend(context)) {
        const key = knobKey(recommendation.knob);
        if (busy.has(key) || this.tracker.blocked(key) !== undefined) continue;
        const proposal = proposalKey(recommendation);
        // A group is judged whole: rank decides whether it rests, so none of its members is lost.
        if (recommendation.group === undefined && this.judgedAgainst.get(proposal) === state) continue;
        const current = this.knobValues.get(key);
        if (current !== undefined && sameKnobValue(current, recommendation.to)) continue;
        const rival = best.get(proposal);
        if (rival === undefined || recommendation.expectedImpact > rival.expectedImpact)
          best.set(proposal, recommendation);
      }
    }
    return [...best.values()];
  }

  /**
   * The candidates the backend accepts (a dry run of each): a value it refuses (an algorithm the
   * kernel lacks) is recorded as a failure and dropped before any what-if, whose fork could not
   * take it either. Repeated refusals disable the knob, as failed writes do.
   */
  private async acceptable(candidates: Recommendation[]): Promise<Recommendation[]> {
    const refusedGroups = new Set<string>();
    const accepted: Recommendation[] = [];
    for (const recommendation of candidates) {
      // Not numbered: a check, not a change (change ids count what was planned and made).
      const change = this.toChange(recommendation, recommendation.to, "dry-run");
      try {
        await this.backend.apply(change, { dryRun: true });
        accepted.push(recommendation);
      } catch (error) {
        const current = this.knobValues.get(knobKey(recommendation.knob));
        this.recordFailure(change, `dry run refused: ${(error as Error).message}`, current ?? recommendation.to);
        if (recommendation.group !== undefined) refusedGroups.add(recommendation.group);
      }
    }
    // A group is applied whole or not at all.
    return accepted.filter((r) => r.group === undefined || !refusedGroups.has(r.group));
  }

  /** Rank: candidates grouped (changes that only make sense together), ordered by what the twin predicts for each group alone (what-if), or by the tuners' own estimates. */
  private async rank(proposed: Recommendation[]): Promise<Candidate[]> {
    // Safe tuning dry-runs everything; a what-if fork must not be handed a value it would refuse.
    const whatIf = this.options.counterfactual !== undefined && this.config.rankWithWhatIf;
    const candidates = this.config.safeTuning || whatIf ? await this.acceptable(proposed) : proposed;
    const groups = new Map<string, Candidate>();
    for (const recommendation of candidates) {
      const id = recommendation.group ?? proposalKey(recommendation);
      const group = groups.get(id) ?? { id, recommendations: [], expectedImpact: 0 };
      group.recommendations.push(recommendation);
      group.expectedImpact = Math.max(group.expectedImpact, recommendation.expectedImpact);
      groups.set(id, group);
    }
    // A candidate deferred last round comes first: the twin found it worth making, and its
    // tuner's rough estimate must not crowd it off this round's shortlist.
    const deferred = this.deferred;
    this.deferred = new Set();
    const byEstimate = [...groups.values()].sort(
      (a, b) =>
        Number(deferred.has(b.id)) - Number(deferred.has(a.id)) ||
        b.expectedImpact - a.expectedImpact ||
        a.id.localeCompare(b.id),
    );
    const counterfactual = this.options.counterfactual;
    if (counterfactual === undefined || !this.config.rankWithWhatIf || byEstimate.length === 0) return byEstimate;
    // A candidate the twin judged not worth it rests until the host's knobs change: on the same
    // state the same fork would predict the same, and on a changed one the verdict may differ.
    const state = JSON.stringify([...this.knobValues]);
    const shortlist = byEstimate
      .filter((group) => group.recommendations.some((r) => this.judgedAgainst.get(proposalKey(r)) !== state))
      .slice(0, this.config.maxConcurrentTuning + 3);
    // The what-if runs are independent: started together, they run in parallel on a pool of forks.
    const predictions = await Promise.all(shortlist.map((group) => this.predict(counterfactual, [group])));
    const kept: Candidate[] = [];
    for (const [index, group] of shortlist.entries()) {
      const { gain, verdict, worst } = predictions[index] as WhatIfPrediction;
      if (gain < this.config.minWhatIfGain || verdict.degraded) {
        for (const r of group.recommendations) this.judgedAgainst.set(proposalKey(r), state);
        this.skip(
          group,
          gain,
          verdict.degraded
            ? `what-if on the twin: ${describeWorst(worst)}; not applied`
            : `what-if on the twin predicts ${signed(gain)}, under the ${signed(this.config.minWhatIfGain)} a change must be worth: not applied`,
        );
        continue;
      }
      kept.push({ ...group, expectedImpact: gain });
    }
    kept.sort((a, b) => b.expectedImpact - a.expectedImpact || a.id.localeCompare(b.id));
    // Of several values for one knob, the one the twin predicts most for goes on.
    const taken = new Map<string, Candidate>();
    const distinct: Candidate[] = [];
    for (const group of kept) {
      const knobs = group.recommendations.map((r) => knobKey(r.knob));
      const rival = knobs.map((key) => taken.get(key)).find((other) => other !== undefined);
      if (rival !== undefined) {
        this.skip(
          group,
          group.expectedImpact,
          `what-if on the twin: another value for ${knobs.find((key) => taken.get(key) === rival)} predicts more (${signed(rival.expectedImpact)} against ${signed(group.expectedImpact)}); not applied`,
        );
        continue;
      }
      for (const key of knobs) taken.set(key, group);
      distinct.push(group);
    }
    return this.together(distinct, counterfactual);
  }

  /**
   * Changes that each help alone can hurt together (two VMs moved onto one node). The twin scores
   * the round's top candidates as growing sets, all at once, and the round takes the largest set
   * that still gains and that validation would not revert; the others wait for a later round,
   * where they are judged against the state this one leaves.
   */
  private async together(ranked: Candidate[], counterfactual: Counterfactual): Promise<Candidate[]> {
    const top = this.admit(ranked);
    if (top.length < 2) return top;
    const sets = top.slice(1).map((_, index) => top.slice(0, index + 2));
    const predictions = await Promise.all(sets.map((set) => this.predict(counterfactual, set)));
    // The largest set validation would keep: gains of a few percent differ by less than the
    // twin's noise, but a degradation is what reverts the whole batch ten minutes later.
    let best = 1;
    for (const [index, { gain, atRisk }] of predictions.entries()) {
      if (!atRisk && gain > 0) best = index + 2;
    }
    const kept = predictions[best - 2]?.gain ?? (top[0] as Candidate).expectedImpact;
    for (const group of top.slice(best)) {
      this.deferred.add(group.id);
      this.skip(
        group,
        group.expectedImpact,
        `what-if on the twin: with the ${best} higher-ranked ${best === 1 ? "change" : "changes"} (${(kept * 100).toFixed(1)}% together) it risks a revert; deferred to a later round`,
      );
    }
    return top.slice(0, best);
  }

  /** What the twin predicts for applying these groups together to the current state. */
  private async predict(counterfactual: Counterfactual, groups: readonly Candidate[]): Promise<WhatIfPrediction> {
    const comparison = await counterfactual.compare(
      this.knobValues,
      groups.flatMap((group) => group.recommendations.map((r) => this.toChange(r, r.to))),
      this.config.whatIfWindowMs,
      this.config.whatIfSampleMs,
    );
    return whatIfPrediction(comparison, this.config.degradationThreshold);
  }

  /**
   * A change the backend refused (dry run) or failed to make: recorded, and counted against the
   * knob, which the tracker disables after repeated failures (recorded too).
   */
  private recordFailure(change: Change, reason: string, value: KnobValue): void {
    const at = { time: this.backend.clock.now(), component: change.component, knob: change.knob };
    this.event({ ...at, action: "fail", to: change.to, impact: 0, success: false, rolledBack: false, reason });
    const disabled = this.tracker.failed(knobKey(change.knob), value);
    if (disabled !== undefined)
      this.event({ ...at, action: "disable", impact: 0, success: false, rolledBack: false, reason: disabled });
  }

  private skip(group: Candidate, impact: number, reason: string): void {
    for (const r of group.recommendations) {
      // The value the knob keeps, so a skipped change reads "from X to Y" like an applied one.
      const from = this.knobValues.get(knobKey(r.knob));
      this.event({
        time: this.backend.clock.now(),
        component: r.component,
        action: "skip",
        knob: r.knob,
        ...(from === undefined ? {} : { from }),
        to: r.to,
        impact,
        success: false,
        rolledBack: false,
        reason,
      });
    }
  }

  /**
   * The candidates this round may start, in rank order: a tuning operation is one component's
   * batch (validated and reverted as one), so a component new to this round needs a free slot of
   * the concurrency limit, and each batch takes at most `maxGroupsPerBatch` groups (gradual).
   */
  private admit(ranked: readonly Candidate[]): Candidate[] {
    let room = this.config.maxConcurrentTuning - this.inFlight.length;
    const groups = new Map<string, number>();
    const admitted: Candidate[] = [];
    const knobs = new Set<string>();
    for (const candidate of ranked) {
      // One value per knob: a lower-ranked alternative for a knob already taken waits.
      const touched = candidate.recommendations.map((r) => knobKey(r.knob));
      if (touched.some((key) => knobs.has(key))) continue;
      // A group's changes go into their components' batches (one, for the built-in tuners).
      const components = [...new Set(candidate.recommendations.map((r) => r.component))];
      const opened = components.filter((component) => !groups.has(component)).length;
      if (opened > room || components.some((c) => (groups.get(c) ?? 0) >= this.config.maxGroupsPerBatch)) continue;
      room -= opened;
      for (const component of components) groups.set(component, (groups.get(component) ?? 0) + 1);
      for (const key of touched) knobs.add(key);
      admitted.push(candidate);
    }
    return admitted;
  }

  /** Plan: dry-run each candidate group (gradual steps); a group the backend refuses in part is dropped whole. */
  private async plan(ranked: Candidate[]): Promise<Change[]> {
    const changes: Change[] = [];
    for (const group of this.admit(ranked)) {
      const planned: Change[] = [];
      for (const recommendation of group.recommendations) {
        const current = this.knobValues.get(knobKey(recommendation.knob));
        const to =
          this.config.gradualChanges && current !== undefined
            ? gradualStep(recommendation.knob.knob, current, recommendation.to, this.config.maxStepFactor)
            : recommendation.to;
        const change = this.toChange(recommendation, to);
        if (this.config.safeTuning) {
          try {
            await this.backend.apply(change, { dryRun: true });
          } catch (error) {
            this.recordFailure(change, `dry run refused: ${(error as Error).message}`, current ?? to);
            planned.length = 0;
            break;
          }
        }
        planned.push(change);
      }
      changes.push(...planned);
    }
    return changes;
  }

  /** Apply: the planned changes, as one batch to be validated together. */
  private async apply(changes: Change[]): Promise<number> {
    if (changes.length === 0) return 0;
    const stateBefore = new Map(this.knobValues);
    const receipts: Receipt[] = [];
    for (const change of changes) {
      const key = knobKey(change.knob);
      try {
        const receipt = await this.backend.apply(change);
        receipts.push(receipt);
        this.markInEffect(receipt);
        this.knobValues.set(key, receipt.applied);
        this.event({
          ...this.eventBase(receipt),
          action: "apply",
          impact: 0,
          success: true,
          rolledBack: false,
          reason: change.reason,
        });
        const frozen = this.tracker.moved(key, receipt.previous, receipt.applied);
        if (frozen !== undefined)
          this.event({
            ...this.eventBase(receipt),
            action: "freeze",
            impact: 0,
            success: false,
            rolledBack: false,
            reason: frozen,
          });
      } catch (error) {
        this.recordFailure(change, `apply failed: ${(error as Error).message}`, this.knobValues.get(key) ?? change.to);
      }
    }
    // One batch per component: each is judged on its own against the state before the round, so
    // one component's bad plan never takes another's good one down with it.
    const byComponent = new Map<string, Receipt[]>();
    for (const receipt of receipts)
      byComponent.set(receipt.change.component, [...(byComponent.get(receipt.change.component) ?? []), receipt]);
    for (const list of byComponent.values()) {
      this.inFlight.push({
        receipts: list,
        appliedAt: this.backend.clock.now(),
        stateBefore,
        expected: new Map(),
      });
    }
    await this.refreshKnobs();
    this.options.onUpdate?.({
      type: "in-flight",
      operations: this.inFlight.length,
      limit: this.config.maxConcurrentTuning,
    });
    return receipts.length;
  }

  /** Record: the interval's window for the convergence table. */
  private async record(
    windowStart: number,
    samples: TimedSample[],
    inForce: ReadonlyMap<string, KnobValue>,
    idle: boolean,
  ): Promise<void> {
    if (samples.length === 0 || this.startedAt === undefined) return;
    // On a twin, score the configuration that ran in the window on a fixed window and seed (common
    // random numbers across windows), so a window's improvement is the configuration's, not the noise's.
    const counterfactual = this.options.counterfactual;
    let score = serviceScore(averageService(samples));
    if (counterfactual !== undefined) {
      const run = await counterfactual.evaluate(inForce, this.config.whatIfWindowMs, this.config.whatIfSampleMs);
      score = serviceScore(averageService(run.samples.map((s) => ({ ...s, time: 0, monthlyCostUsd: run.cost }))));
    }
    const startMin = (windowStart - this.startedAt) / 60_000;
    const endMin = (this.backend.clock.now() - this.startedAt) / 60_000;
    const wasConverged = this.convergence.convergedAtMin !== undefined;
    const window = this.convergence.add(startMin, endMin, score, idle);
    this.options.onUpdate?.({ type: "window", ...window, score });
    if (this.convergence.convergedAtMin === endMin) this.options.onUpdate?.({ type: "converged", atMinutes: endMin });
    else if (wasConverged && this.convergence.convergedAtMin === undefined)
      this.options.onUpdate?.({ type: "converged", atMinutes: null });
  }

  // -- helpers ------------------------------------------------------------------------------

  private knobValues = new Map<string, KnobValue>();

  /** Reads the topology and every knob's current value; call before the first round. */
  async initialize(): Promise<void> {
    this.topologyCache = await this.backend.topology();
    await this.refreshKnobs();
  }

  /** Re-reads every knob: a change can move others (a scheduler switch resets nr_requests). */
  private async refreshKnobs(): Promise<void> {
    const values = new Map<string, KnobValue>();
    for (const ref of await this.backend.knobs()) values.set(knobKey(ref), await this.backend.readKnob(ref));
    this.knobValues = values;
  }

  /** Current knob values as the orchestrator knows them. */
  knobs(): ReadonlyMap<string, KnobValue> {
    return this.knobValues;
  }

  /** A newer change to a knob supersedes the older one's entry: undoing it restores the value before the newer change. */
  private markInEffect(receipt: Receipt): void {
    const key = knobKey(receipt.change.knob);
    const older = this.inEffect.findIndex((entry) => knobKey(entry.receipt.change.knob) === key);
    if (older >= 0) this.inEffect.splice(older, 1);
    this.inEffect.push({ receipt, at: this.backend.clock.now() });
  }

  private forgetInEffect(receipt: Receipt): void {
    const index = this.inEffect.findIndex((entry) => entry.receipt === receipt);
    if (index >= 0) this.inEffect.splice(index, 1);
  }

  /** Reverts one applied change; a failure is recorded and leaves the knob as it is. */
  private async undo(receipt: Receipt): Promise<boolean> {
    try {
      await this.backend.revert(receipt);
    } catch (error) {
      this.event({
        ...this.eventBase(receipt),
        action: "fail",
        impact: 0,
        success: false,
        rolledBack: false,
        reason: `revert failed: ${(error as Error).message}`,
      });
      return false;
    }
    this.tracker.undone(knobKey(receipt.change.knob));
    return true;
  }

  private toChange(recommendation: Recommendation, to: KnobValue, id = `change-${++this.changeCounter}`): Change {
    return {
      id,
      knob: recommendation.knob,
      to,
      component: recommendation.component,
      reason: recommendation.reasons.join("; "),
    };
  }

  private eventBase(receipt: Receipt): Pick<TuningEvent, "time" | "component" | "knob" | "from" | "to"> {
    return {
      time: this.backend.clock.now(),
      component: receipt.change.component,
      knob: receipt.change.knob,
      from: receipt.previous,
      to: receipt.applied,
    };
  }

  private event(event: TuningEvent): void {
    // Keep the orchestrator's own view of knob values in step with reverts.
    if (event.action === "revert" && event.from !== undefined) this.knobValues.set(knobKey(event.knob), event.from);
    this.events.push(event);
    this.options.onUpdate?.({ type: "event", event });
  }
}

/** "cpu-affinity web-1 0-15 -> 0-7" for logs. */
export function describeChange(knob: KnobRef, from: KnobValue | undefined, to: KnobValue | undefined): string {
  const show = (value: KnobValue | undefined) => (value === undefined ? "?" : formatKnobValue(knob.knob, value));
  return `${knob.knob} ${knob.target} ${show(from)} -> ${show(to)}`;
}
