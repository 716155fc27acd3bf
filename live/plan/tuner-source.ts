import type { Change, KnobName, Observation } from "../../src/backend.js";
import { describeDevice, IoTuner, type IoTunerOptions } from "../../src/tuners/io-tuner.js";
import { NetworkTuner } from "../../src/tuners/network-tuner.js";
import type { Tuner, TunerContext } from "../../src/tuners/tuner.js";
import { changeId, type PlanInput, type RecommendationSource } from "./recommendation-source.js";

/** What a plan without a metrics window passes the tuners: nothing busy, nothing moving. */
const NOTHING_OBSERVED: Observation = {
  time: 0,
  intervalMs: 0,
  host: { cpuUtilization: 0, perCpuUtilization: [], memoryUtilization: 0, memoryAvailableBytes: 0 },
  disks: [],
  network: [],
  tcp: [],
  workloads: [],
};

/**
 * What a tuner sees on a live host: the discovered topology, one metrics window, the knobs' current
 * values. No history and no earlier changes: a live plan is one step, judged by its operator.
 */
function contextOf(input: PlanInput): TunerContext {
  return {
    topology: input.topology,
    observation: input.observation ?? NOTHING_OBSERVED,
    history: [],
    knobs: input.values,
    recentChanges: [],
    now: input.observation?.time ?? 0,
  };
}

/**
 * One of the engine's tuners (src/tuners/) as a source of the live plan: the same decisions the
 * twin's runs make, with their reasons, as changes for the live backend to validate and write.
 * `knobs` keeps only the tuner's changes to those knobs.
 */
export function tunerSource<T extends Tuner>(
  tuner: T,
  options: { explain?: (tuner: T, context: TunerContext) => string[]; knobs?: readonly KnobName[] } = {},
): RecommendationSource {
  const name = `${tuner.component} tuner`;
  const { explain, knobs } = options;
  return {
    name,
    recommend(input: PlanInput): Change[] {
      const recommendations = tuner.recommend(contextOf(input));
      const kept = knobs === undefined ? recommendations : recommendations.filter((r) => knobs.includes(r.knob.knob));
      return kept.map((recommendation) => ({
        id: changeId(name, recommendation.knob),
        knob: recommendation.knob,
        to: recommendation.to,
        component: name,
        reason: recommendation.reasons.filter((reason) => reason !== "").join("; "),
      }));
    },
    ...(explain === undefined ? {} : { explain: (input: PlanInput) => explain(tuner, contextOf(input)) }),
  };
}

/** The engine's I/O tuner for a live plan, with a line per device on what it made of it. */
export function ioTunerSource(options: IoTunerOptions = {}): RecommendationSource {
  return tunerSource(new IoTuner(options), {
    explain: (tuner, context) => tuner.plans(context).map(({ device, plan }) => describeDevice(device, plan)),
  });
}

/**
 * The engine's network tuner for a live plan, its offload decisions only. Its TCP decisions need
 * a measured path, which one metrics window does not give (the built-in TCP rules, tcp-rules.ts,
 * size the buffers from --bandwidth and --rtt). Its ring rule waits for the driver's maxima in
 * the discovered topology and for a drop count that is the ring's alone: /proc/net/dev's
 * rx_dropped also counts drops no ring size cures, and `ethtool -G` resets the link on many drivers.
 */
export function nicTunerSource(): RecommendationSource {
  return tunerSource(new NetworkTuner(), { knobs: ["nic-offloads"] });
}
