import { LIVE_KNOBS, liveKnob } from "../../../../live/knobs/knob-table.js";
import { canonicalRef } from "../../../../live/live-backend.js";
import type { RecommendationSource } from "../../../../live/plan/recommendation-source.js";
import { ioTunerSource, networkTunerSource } from "../../../../live/plan/tuner-source.js";
import { type Change, type KnobName, type KnobRef, type KnobValue, sameKnobValue } from "../../../backend.js";
import { closestNames } from "../../../edit-distance.js";
import { knobKey } from "../../../tuners/tuner.js";
import { UsageError } from "../../errors.js";
import { parsePids } from "./live-context.js";

/** The options `live plan` and `live apply` share. */
export const PLAN_OPTIONS = {
  json: { type: "boolean", default: false },
  tui: { type: "boolean", default: false },
  interval: { type: "string" },
  workload: { type: "string" },
  "fair-io": { type: "boolean", default: false },
  bandwidth: { type: "string" },
  rtt: { type: "string" },
  loss: { type: "string" },
  netns: { type: "string" },
  device: { type: "string" },
  only: { type: "string" },
  set: { type: "string", multiple: true },
  pid: { type: "string", multiple: true },
  "state-dir": { type: "string" },
  root: { type: "string" },
} as const;

export const PLAN_OPTIONS_HELP = `  --set KNOB[@TARGET]=VALUE  change exactly this (repeatable); the tuner and rules are then not used.
                   TARGET defaults to --device (disk knobs), --netns or host (network), --pid
                   (process knobs); cgroup and NIC knobs need @TARGET. Values: cpu lists "0-3",
                   triples "4096 131072 16777216", rings "rx=512,tx=512", offloads "gro=on,tso=off"
  --only K1,K2     only these knobs
  --device DEV     only this disk's block knobs, and no NIC knobs (TCP sysctls are still planned)
  --netns NAME     network knobs inside network namespace NAME (/run/netns/NAME), not the host's
  --pid PID        the process the process knobs act on (cpu-affinity, numa-memory-nodes, llc-ways)
  --workload W     access pattern for read-ahead: auto (per disk, from the metrics window), random,
                   sequential
  --fair-io        bfq on single-queue disks: several workloads share them and fairness matters
  --bandwidth MBPS and --rtt MS   the network path: TCP buffers of 2 x its bandwidth-delay product
  --loss RATE      the path's random loss rate (0.001 = 0.1%), with --bandwidth and --rtt: BBR
                   where it would hold CUBIC under half the path (a host's retransmit counters
                   mix every connection and congestion losses, so they are not used)
  --interval MS    metrics window the rules look at (default 1000, at most a day)
  --state-dir DIR  journal directory (default /var/lib/twintune as root, else $XDG_STATE_HOME/twintune)
  --root DIR       read the host's files under DIR (a captured fixture tree) instead of /;
                   no program (taskset, ethtool, getconf, nsenter) is run for it
  --json           print the plan as JSON ({"written": false, "changes", ...}); apply --yes prints
                   what it wrote ({"written": true, "changes" with before/after, "journal"}); a
                   failure prints no JSON, only its message on stderr (apply without --yes
                   prints the plan it did not write, and exits 1)
  --tui            show it full screen, read-only ('twintune tui' for the keys); a plain log when
                   stdout is not a terminal
  -h, --help       show this help
`;

function positiveNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} expects a positive number, got '${text}'`);
  return value;
}

export interface PlanArgs {
  json?: boolean;
  workload?: string;
  "fair-io"?: boolean;
  bandwidth?: string;
  rtt?: string;
  loss?: string;
  netns?: string;
  device?: string;
  only?: string;
  set?: string[];
  pid?: string[];
}

/** The engine's I/O and network tuners, configured from the flags (none when --set gives the changes). */
export function sourcesFrom(values: PlanArgs): RecommendationSource[] {
  if ((values.set ?? []).length > 0) return [];
  const workload = values.workload ?? "auto";
  if (workload !== "auto" && workload !== "random" && workload !== "sequential") {
    throw new UsageError(`--workload expects auto, random or sequential, got '${values.workload}'`);
  }
  const bandwidthMbps = positiveNumber("bandwidth", values.bandwidth);
  const rttMs = positiveNumber("rtt", values.rtt);
  if ((bandwidthMbps === undefined) !== (rttMs === undefined))
    throw new UsageError("--bandwidth and --rtt go together");
  const lossRate = values.loss === undefined ? undefined : Number(values.loss);
  if (lossRate !== undefined && !(Number.isFinite(lossRate) && lossRate >= 0 && lossRate < 1))
    throw new UsageError(`--loss expects a loss rate from 0 to below 1 (0.001 = 0.1%), got '${values.loss}'`);
  if (lossRate !== undefined && bandwidthMbps === undefined)
    throw new UsageError("--loss describes the path of --bandwidth and --rtt: give them too");
  return [
    ioTunerSource({ fairness: values["fair-io"] ?? false, ...(workload === "auto" ? {} : { pattern: workload }) }),
    networkTunerSource({
      ...(bandwidthMbps === undefined || rttMs === undefined
        ? {}
        : { path: { bandwidthMbps, rttMs, ...(lossRate === undefined ? {} : { lossRate }) } }),
      ...(values.netns === undefined ? {} : { netns: values.netns }),
    }),
  ];
}

export function onlyFrom(values: PlanArgs): KnobName[] | undefined {
  if (values.only === undefined) return undefined;
  const names = values.only.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!liveKnob(name))
      throw new UsageError(`--only: no knob '${name}' (knobs: ${LIVE_KNOBS.map((k) => k.name).join(", ")})`);
  }
  return names as KnobName[];
}

function defaultTarget(knob: KnobName, values: PlanArgs, pids: number[]): string | undefined {
  switch (liveKnob(knob)?.group) {
    case "block":
      return values.device;
    case "net":
      return values.netns ?? "host";
    case "process":
      return pids[0] === undefined ? undefined : `pid:${pids[0]}`;
    default:
      return undefined;
  }
}

/**
 * The target as the knob spells it (one record per knob in the journal; see KnobAccess.canonical).
 * A disk is named as /sys/block names it; its /dev path is a usage mistake, said as such.
 */
function canonicalTarget(knob: KnobName, group: string, target: string, text: string): string {
  if (group === "block" && target.startsWith("/dev/"))
    throw new UsageError(
      `--set ${text}: name the disk as /sys/block does ('${target.slice("/dev/".length)}'), not by its /dev path`,
    );
  return canonicalRef({ knob, target }).target;
}

/**
 * --netns and --pid say where a run may act: an explicit --set aimed elsewhere (the host's own
 * TCP settings, another process) is refused rather than written, as --device leaves out other disks.
 */
function requireInScope(group: string, target: string, values: PlanArgs, pids: number[], text: string): void {
  if (group === "net" && values.netns !== undefined && target !== values.netns)
    throw new UsageError(
      `--set ${text}: --netns ${values.netns} limits network knobs to that namespace, and this one is for ${target === "host" ? "the host" : `namespace ${target}`}`,
      "Leave out @TARGET to set it inside the namespace, or leave out --netns.",
    );
  if (group === "process" && pids.length > 0 && !pids.some((pid) => target === `pid:${pid}`))
    throw new UsageError(
      `--set ${text}: --pid ${pids.join(",")} limits process knobs to ${pids.length === 1 ? "that process" : "those processes"}, and this one is for ${target}`,
      "Leave out @TARGET to act on the --pid process, or name it with --pid.",
    );
}

/** The changes `--set KNOB[@TARGET]=VALUE` asks for. */
export function explicitChanges(values: PlanArgs): Change[] {
  const pids = parsePids(values.pid);
  const changes = (values.set ?? []).map((text, index): Change => {
    const match = /^([^@=\s]+)(?:@([^=]+))?=(.*)$/s.exec(text);
    if (match === null) throw new UsageError(`--set expects KNOB[@TARGET]=VALUE, got '${text}'`);
    const [, name, explicitTarget, valueText] = match as unknown as [string, string, string | undefined, string];
    const knob = liveKnob(name);
    if (knob === undefined) {
      const near = closestNames(
        name,
        LIVE_KNOBS.map((k) => k.name),
      );
      throw new UsageError(
        `--set: no knob '${name}'${near.length > 0 ? ` (did you mean ${near.join(", ")}?)` : ""}`,
        `Knobs: ${LIVE_KNOBS.map((k) => k.name).join(", ")}.`,
      );
    }
    const given = explicitTarget ?? defaultTarget(knob.name, values, pids);
    if (given === undefined)
      throw new UsageError(`--set ${name}: say which target (${name}@TARGET=..., or --device/--pid)`);
    const target = canonicalTarget(knob.name, knob.group, given, text);
    requireInScope(knob.group, target, values, pids, text);
    let to: KnobValue;
    try {
      to = knob.parse(valueText);
    } catch (error) {
      throw new UsageError(`--set ${name}: ${(error as Error).message}`);
    }
    const ref: KnobRef = { knob: knob.name, target };
    return { id: `set-${index + 1}`, knob: ref, to, component: "command line", reason: `--set ${text}` };
  });
  // Two values for one knob: neither can be the one meant. The same value twice is one change.
  const out: Change[] = [];
  for (const [index, change] of changes.entries()) {
    const first = changes.findIndex((other) => knobKey(other.knob) === knobKey(change.knob));
    if (first === index) out.push(change);
    else if (!sameKnobValue((changes[first] as Change).to, change.to))
      throw new UsageError(
        `--set ${values.set?.[first]} and --set ${values.set?.[index]} both set ${change.knob.knob} on ${change.knob.target}: give one value`,
      );
  }
  return out;
}
