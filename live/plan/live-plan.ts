import type { Change, KnobName, KnobValue, Observation, Receipt } from "../../src/backend.js";
import { knobKey } from "../../src/tuners/tuner.js";
import { liveKnob } from "../knobs/knob-table.js";
import type { LiveBackend } from "../live-backend.js";
import type { RecommendationSource } from "./recommendation-source.js";

export interface PlanFilter {
  /** Only these knobs. */
  only?: readonly KnobName[];
  /** Block knobs of this device only. */
  device?: string;
}

export interface LivePlan {
  /** Validated changes with the value each would write (dry run), in the order they would be written. */
  receipts: Receipt[];
  /** Proposed changes that would not be applied, with why (out of bounds, knob missing, yielded...). */
  rejected: { change: Change; error: Error }[];
  /** What the sources considered. */
  notes: string[];
}

/** The current values of the knobs the host offers, plus the network knobs of `netns`. */
async function currentValues(backend: LiveBackend, netns: string): Promise<Map<string, KnobValue>> {
  const refs = await backend.knobs();
  if (netns !== "host") {
    for (const ref of refs.filter((r) => liveKnob(r.knob)?.group === "net"))
      refs.push({ knob: ref.knob, target: netns });
  }
  const values = new Map<string, KnobValue>();
  for (const ref of refs) {
    const value = await backend.readKnob(ref).catch(() => undefined);
    if (value !== undefined) values.set(knobKey(ref), value);
  }
  return values;
}

function keep(change: Change, filter: PlanFilter): boolean {
  if (filter.only && !filter.only.includes(change.knob.knob)) return false;
  const group = liveKnob(change.knob.knob)?.group;
  if (filter.device && group === "block") {
    return change.knob.target === filter.device || change.knob.target.startsWith(`${filter.device}/`);
  }
  // A plan narrowed to one disk does not touch the NICs (a ring or offload change can reset a link).
  if (filter.device && group === "nic") return false;
  return true;
}

/**
 * What the sources would change and why, validated by a dry run of the whole batch (so a tunable
 * of a scheduler the plan switches to is checked against that scheduler). Writes nothing.
 */
export async function livePlan(
  backend: LiveBackend,
  sources: readonly RecommendationSource[],
  options: { observation?: Observation; netns?: string; filter?: PlanFilter; extra?: readonly Change[] } = {},
): Promise<LivePlan> {
  const netns = options.netns ?? "host";
  const values = await currentValues(backend, netns);
  const topology = await backend.topology();
  const input = {
    topology,
    netns,
    values,
    ...(options.observation ? { observation: options.observation } : {}),
  };
  const proposed = [...(options.extra ?? []), ...sources.flatMap((source) => source.recommend(input))];
  // One change per knob: the first source wins (explicit --set values come first).
  const unique = new Map<string, Change>();
  for (const change of proposed) if (!unique.has(knobKey(change.knob))) unique.set(knobKey(change.knob), change);
  const rejected: LivePlan["rejected"] = [];
  const receipts = await backend.applyAll(
    [...unique.values()].filter((change) => keep(change, options.filter ?? {})),
    {
      dryRun: true,
      skip: (change, error) => {
        rejected.push({ change, error });
        return true;
      },
    },
  );
  const notes = sources.flatMap((source) => source.explain?.(input) ?? []);
  return { receipts, rejected, notes };
}
