import type { Change, KnobRef, KnobValue, Observation, Topology } from "../../src/backend.js";

/** What a recommendation source sees: the discovered host, one interval's metrics, the knobs' current values. */
export interface PlanInput {
  topology: Topology;
  observation?: Observation;
  /** Current value of a knob, undefined when the host does not offer it. */
  value(ref: KnobRef): KnobValue | undefined;
  /** Network namespace the network rules target ("host" for the host's own). */
  netns: string;
}

/**
 * Something that proposes changes with reasons and never applies them: the tuners once they
 * exist (src/tuners/), and until then the live plan's built-in rules (live/plan/*-rules.ts).
 */
export interface RecommendationSource {
  readonly name: string;
  recommend(input: PlanInput): Change[];
  /** What it looked at and concluded, including where it proposes nothing (printed with the plan). */
  explain?(input: PlanInput): string[];
}

/** A change id unique within a plan: source, knob and target. */
export function changeId(source: string, ref: KnobRef): string {
  return `${source}:${ref.knob}@${ref.target}`;
}
