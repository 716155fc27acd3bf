import type { InstanceCatalog } from "../../catalog/instance-catalog.js";
import type { InstanceType } from "../../catalog/instance-type.js";
import { decideAction } from "./action.js";
import { type RightSizerConfig, type RightSizerOptions, resolveConfig } from "./config.js";
import { type DemandForecast, ForecastScratch, forecastDemand } from "./demand-forecast.js";
import { Hysteresis } from "./hysteresis.js";
import { looksIdle } from "./idle.js";
import { bumpReasons, cores, gib, holdReason, observedReason, percent, trendReason } from "./reasons.js";
import type { Recommendation } from "./recommendation.js";
import { chooseType, type Needs } from "./type-choice.js";
import { type UsageSample, VmHistory } from "./vm-history.js";

const DAY = 86_400;

/**
 * The right-sizing engine, in the seed document's shape: `observe(vm, sample, size)` feeds it,
 * `recommend()` answers per VM with an action, the target type, a confidence, the monthly savings
 * and the reasons. Pure: it never reads a clock (time comes with the samples) and never acts.
 *
 * Per VM: enough data (the observation period and the minimum samples) or insufficient-data; a
 * forecast of the needs over the horizon (demand-forecast.ts); the cheapest catalog type that
 * holds them with the confidence threshold, never with less memory than the observed peak plus
 * the margin; idle VMs (Azure Advisor's rule, a week observed) are terminate; a downsize must save
 * the minimum share; and within the horizon a recommendation changes only when the needs moved by
 * more than the hysteresis fraction.
 */
export class RightSizer {
  readonly catalog: InstanceCatalog;
  readonly config: RightSizerConfig;
  private readonly histories = new Map<string, VmHistory>();
  private readonly hysteresis: Hysteresis;
  private readonly scratch = new ForecastScratch();
  private last: VmHistory | undefined;

  constructor(catalog: InstanceCatalog, options: RightSizerOptions = {}) {
    this.catalog = catalog;
    this.config = resolveConfig(options);
    this.hysteresis = new Hysteresis(catalog, this.config.horizonSeconds, this.config.hysteresisFraction);
  }

  /** Records one sample of `vm`, measured while it had instance type `size`. */
  observe(vm: string, sample: UsageSample, size: InstanceType | string): void {
    const type = typeof size === "string" ? this.catalog.get(size) : size;
    if (type === undefined) {
      const near = this.catalog.closeNames(size as string);
      throw new RangeError(
        `unknown instance type '${String(size)}'${near.length > 0 ? ` (did you mean ${near.join(", ")}?)` : ""}`,
      );
    }
    if (!(sample.cpu >= 0 && sample.cpu <= 1) || !(sample.mem >= 0 && sample.mem <= 1) || !Number.isFinite(sample.time))
      throw new RangeError(`bad sample for vm '${vm}': cpu and mem must be fractions in [0, 1] and time finite`);
    // Traces usually list a VM's samples together: remember the last one to skip the lookup.
    let history = this.last?.id === vm ? this.last : this.histories.get(vm);
    if (history === undefined) {
      history = new VmHistory(vm, type, this.config.lookbackSeconds);
      this.histories.set(vm, history);
    }
    this.last = history;
    history.push(sample, type);
  }

  /** VM ids in the order they were first observed. */
  get vms(): string[] {
    return [...this.histories.keys()];
  }

  history(vm: string): VmHistory | undefined {
    return this.histories.get(vm);
  }

  /** A recommendation for every VM, in first-observed order. */
  recommend(): Recommendation[] {
    return this.vms.map((vm) => this.recommendFor(vm));
  }

  /** The forecast of `vm`'s needs over the horizon, or undefined without enough data. */
  forecast(vm: string): DemandForecast | undefined {
    const history = this.histories.get(vm);
    return history === undefined || !this.enoughData(history)
      ? undefined
      : forecastDemand(history, this.config, this.scratch);
  }

  /** What `vm` needs over the horizon, with its uncertainty, or undefined without enough data. */
  needs(vm: string): Needs | undefined {
    const f = this.forecast(vm);
    return f === undefined ? undefined : needsOf(f, this.config.policy);
  }

  /**
   * The VM's samples carried into the horizon (see projection.ts): CPU cores and memory GiB the
   * forecast expects, one pair per observed sample, or undefined without enough data.
   */
  projection(vm: string): { cpu: Float32Array; mem: Float32Array } | undefined {
    const history = this.histories.get(vm);
    if (history === undefined || !this.enoughData(history)) return undefined;
    const forecast = forecastDemand(history, this.config, this.scratch);
    return {
      cpu: this.scratch.cpu.slice(0, forecast.projectedCount),
      mem: this.scratch.mem.slice(0, forecast.projectedCount),
    };
  }

  recommendFor(vm: string): Recommendation {
    const history = this.histories.get(vm);
    if (history === undefined) throw new RangeError(`no observations of vm '${vm}'`);
    const { config, catalog } = this;
    const { policy } = config;
    const from = history.type;
    const horizonDays = config.horizonSeconds / DAY;
    const base = { vm, from: from.name };
    if (!this.enoughData(history)) {
      const start = history.indexAt(history.lastTime - config.lookbackSeconds);
      const span = (history.lastTime - (history.times[start] as number)) / 3600;
      return {
        ...base,
        action: "insufficient-data",
        to: from.name,
        confidence: 0,
        monthlySavingsUsd: 0,
        reasons: [
          `${history.length - start} samples over ${span.toFixed(1)} h: needs at least ${config.minSamples} samples over ${(config.observationPeriodSeconds / 3600).toFixed(0)} h before any action`,
        ],
      };
    }
    const f = forecastDemand(history, config, this.scratch);
    const needs = needsOf(f, policy);
    const reasons = [observedReason(f, from, policy)];
    for (const line of [
      trendReason("CPU", f.cpu, horizonDays, cores),
      trendReason("memory", f.mem, horizonDays, gib),
      ...bumpReasons(f, from),
    ])
      if (line !== undefined) reasons.push(line);
    const choice = chooseType(catalog, needs, policy, config.confidenceThreshold);
    let target = choice.type;
    const probability = choice.probability;
    if (!choice.sufficient)
      reasons.push(
        `no catalog type holds it with ${percent(config.confidenceThreshold)} confidence; the most likely is ${target.name} (${percent(probability)})`,
      );

    const window = history.indexAt(f.end - config.lookbackSeconds);
    const idle =
      f.spanSeconds >= 7 * DAY - 3600 &&
      looksIdle(history.cpuCores.subarray(window, history.length), from.vcpus, this.scratch.select);
    if (idle) {
      this.hysteresis.remember(vm, target, f.end, needs);
      reasons.unshift(
        `idle: P95 CPU below 3% of ${from.vcpus} vCPUs and never above 2% for ${(f.spanSeconds / DAY).toFixed(1)} days (Azure Advisor's shutdown rule, over the whole window)`,
      );
      reasons.push(`if it must stay, ${holdReason(target, probability, policy, horizonDays)}`);
      return {
        ...base,
        action: "terminate",
        to: target.name,
        confidence: 1,
        monthlySavingsUsd: catalog.monthlyUsd(from),
        reasons,
        forecast: f,
      };
    }

    const kept = this.hysteresis.keep(vm, f.end, needs, target);
    if (kept !== undefined) {
      reasons.push(kept.reason);
      target = kept.type;
    } else {
      reasons.push(holdReason(target, probability, policy, horizonDays));
    }
    const decision = decideAction(from, target, needs, config, catalog);
    this.hysteresis.remember(vm, decision.to, f.end, needs);
    return {
      ...base,
      action: decision.action,
      to: decision.to.name,
      confidence: decision.confidence,
      monthlySavingsUsd: decision.monthlySavingsUsd,
      reasons: [...reasons, ...decision.reasons],
      forecast: f,
    };
  }

  private enoughData(history: VmHistory): boolean {
    const start = history.indexAt(history.lastTime - this.config.lookbackSeconds);
    const count = history.length - start;
    const span = history.lastTime - (history.times[start] as number);
    return count >= this.config.minSamples && span >= this.config.observationPeriodSeconds;
  }
}

/** The needs a forecast implies under a policy: forecast CPU and memory, their spread, and the memory floor. */
function needsOf(f: DemandForecast, policy: RightSizerConfig["policy"]): Needs {
  return {
    cpuCores: f.cpu.need,
    memGiB: f.mem.need,
    cpuSigma: f.cpu.sigma,
    memSigma: f.mem.sigma,
    memFloorGiB: f.memPeak * (1 + policy.memMargin),
  };
}
