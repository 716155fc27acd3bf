import type {
  Change,
  KnobConflictError,
  KnobName,
  KnobRef,
  KnobValue,
  Observation,
  Receipt,
} from "../../src/backend.js";
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
  /** What the sources considered, and the --set take-overs (also in `takeOvers`). */
  notes: string[];
  /** Knobs someone else changed that an explicit --set takes over, each said as takeOverText says it. */
  takeOvers: string[];
  /** Why the network namespace's settings could not be read (nothing was planned for it), if so. */
  unreadableNetns?: string;
}

/**
 * The current values of the knobs the host offers, plus the network knobs of `netns`; when none
 * of the namespace's could be read (nsenter needs root), the first reason why.
 */
async function currentValues(
  backend: LiveBackend,
  netns: string,
): Promise<{ values: Map<string, KnobValue>; unreadableNetns?: string }> {
  const refs = await backend.knobs();
  const inside: KnobRef[] = [];
  if (netns !== "host") {
    for (const ref of refs.filter((r) => liveKnob(r.knob)?.group === "net"))
      inside.push({ knob: ref.knob, target: netns });
  }
  const values = new Map<string, KnobValue>();
  let failure: string | undefined;
  for (const ref of [...refs, ...inside]) {
    const value = await backend.readKnob(ref).catch((error: Error) => {
      if (ref.target === netns && netns !== "host") failure ??= error.message;
      return undefined;
    });
    if (value !== undefined) values.set(knobKey(ref), value);
  }
  const readInside = inside.some((ref) => values.has(knobKey(ref)));
  return inside.length > 0 && !readInside && failure !== undefined ? { values, unreadableNetns: failure } : { values };
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
 * What taking over a knob someone else changed means: a change the user asked for by name (an
 * explicit --set) is written, not yielded, and their value becomes the original to restore.
 */
export function takeOverText(conflict: KnobConflictError): string {
  const { knob, target } = conflict.knob;
  const found = JSON.stringify(conflict.found);
  return `${knob} on ${target} was changed by someone else since twintune wrote it (expected ${JSON.stringify(conflict.expected)}, found ${found}); --set takes it over, and ${found} becomes the original that 'live revert' restores`;
}

/**
 * What the sources would change and why, validated by a dry run of the whole batch (so a tunable
 * of a scheduler the plan switches to is checked against that scheduler). Writes nothing. The
 * `extra` changes (explicit --set values) take over a knob someone else changed; the sources'
 * changes yield it.
 */
export async function livePlan(
  backend: LiveBackend,
  sources: readonly RecommendationSource[],
  options: { observation?: Observation; netns?: string; filter?: PlanFilter; extra?: readonly Change[] } = {},
): Promise<LivePlan> {
  const netns = options.netns ?? "host";
  const { values, unreadableNetns } = await currentValues(backend, netns);
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
  const explicit = new Set((options.extra ?? []).map((change) => change.id));
  const takenOver: string[] = [];
  const receipts = await backend.applyAll(
    [...unique.values()].filter((change) => keep(change, options.filter ?? {})),
    {
      dryRun: true,
      skip: (change, error) => {
        rejected.push({ change, error });
        return true;
      },
      takeOver: (change) => explicit.has(change.id),
      tookOver: (_change, conflict) => takenOver.push(takeOverText(conflict)),
    },
  );
  const notes = [...takenOver, ...sources.flatMap((source) => source.explain?.(input) ?? [])];
  if (unreadableNetns !== undefined)
    notes.unshift(
      `network namespace ${netns}: its settings could not be read (${unreadableNetns}; reading inside a namespace takes root), so nothing is planned for it`,
    );
  return {
    receipts,
    rejected,
    notes,
    takeOvers: takenOver,
    ...(unreadableNetns === undefined ? {} : { unreadableNetns }),
  };
}
