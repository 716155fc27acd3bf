import type { Change, KnobName, Observation } from "../../src/backend.js";
import { grouped } from "../../src/number-text.js";
import { describeDevice, IoTuner, type IoTunerOptions } from "../../src/tuners/io-tuner.js";
import { bdpBytes, bufferMaxForPath, NetworkTuner, type NetworkTunerOptions } from "../../src/tuners/network-tuner.js";
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
 * `knobs` keeps only the tuner's changes to those knobs; `forInput` makes the tuner per plan
 * (configured from its input, such as the namespace it is for) instead of using `tuner`.
 */
export function tunerSource<T extends Tuner>(
  tuner: T,
  options: {
    explain?: (tuner: T, context: TunerContext, input: PlanInput) => string[];
    knobs?: readonly KnobName[];
    forInput?: (input: PlanInput) => T;
  } = {},
): RecommendationSource {
  const name = `${tuner.component} tuner`;
  const { explain, knobs } = options;
  const tunerFor = options.forInput ?? (() => tuner);
  return {
    name,
    recommend(input: PlanInput): Change[] {
      const recommendations = tunerFor(input).recommend(contextOf(input));
      const kept = knobs === undefined ? recommendations : recommendations.filter((r) => knobs.includes(r.knob.knob));
      return kept.map((recommendation) => ({
        id: changeId(name, recommendation.knob),
        knob: recommendation.knob,
        to: recommendation.to,
        component: name,
        reason: recommendation.reasons.filter((reason) => reason !== "").join("; "),
      }));
    },
    ...(explain === undefined
      ? {}
      : { explain: (input: PlanInput) => explain(tunerFor(input), contextOf(input), input) }),
  };
}

/** The engine's I/O tuner for a live plan, with a line per device on what it made of it. */
export function ioTunerSource(options: IoTunerOptions = {}): RecommendationSource {
  return tunerSource(new IoTuner(options), {
    explain: (tuner, context) => tuner.plans(context).map(({ device, plan }) => describeDevice(device, plan)),
  });
}

/** The network knobs a live plan takes from the network tuner. */
const LIVE_NETWORK_KNOBS: readonly KnobName[] = [
  "tcp-rmem",
  "tcp-wmem",
  "tcp-congestion-control",
  "tcp-window-scaling",
  "tcp-sack",
  "tcp-timestamps",
  "somaxconn",
  "netdev-max-backlog",
  "nic-rings",
  "nic-offloads",
];

/**
 * The engine's network tuner for a live plan. One metrics window measures no path, so the
 * buffers follow the path the operator gives (--bandwidth, --rtt), and congestion control the
 * loss the namespace's retransmissions show on it. Rings grow only for packets the NIC missed
 * for want of a descriptor (rx_missed_errors, not /proc/net/dev's drops, which also count drops
 * no ring size cures), up to the driver's maximum read with `ethtool -g`.
 */
export function networkTunerSource(options: NetworkTunerOptions = {}): RecommendationSource {
  return tunerSource(new NetworkTuner(options), {
    forInput: (input) => new NetworkTuner({ ...options, netns: options.netns ?? input.netns }),
    knobs: LIVE_NETWORK_KNOBS,
    explain: (tuner, context, input) => {
      const netns = options.netns ?? input.netns;
      const path = options.path;
      const notes: string[] = [];
      if (path === undefined) notes.push("TCP buffers: no path given (--bandwidth MBPS --rtt MS), left as they are");
      else {
        const size = bufferMaxForPath(path.bandwidthMbps, path.rttMs);
        const bdp = bdpBytes(path.bandwidthMbps, path.rttMs);
        notes.push(
          `TCP buffers for ${path.bandwidthMbps} Mb/s × ${path.rttMs} ms: BDP ${grouped(bdp)} bytes, max buffer ${grouped(size / 2 ** 20)} MiB (${2 * bdp > size ? "the cap; 2 × BDP would be more" : "2 × BDP, a power of two, 4-256 MiB"})`,
        );
        notes.push(
          path.lossRate === undefined
            ? "congestion control: no loss rate given (--loss), left as it is"
            : `congestion control: ${(path.lossRate * 100).toFixed(4)}% random loss given for the path`,
        );
      }
      if (!context.observation.tcp.some((t) => t.netns === netns))
        notes.push(`no TCP counters read for namespace ${netns}: somaxconn raised to the default floor only`);
      const rings = tuner
        .recommend(context)
        .filter((r) => r.knob.knob === "nic-rings")
        .map((r) => r.knob.target);
      const ringNotes =
        rings.length > 0
          ? [
              `NIC rings of ${rings.join(", ")}: ethtool -G resets the link on many drivers, a moment without network (--only picks what a plan writes)`,
            ]
          : [];
      return [...notes.map((note) => `${note} (network namespace ${netns})`), ...ringNotes];
    },
  });
}
