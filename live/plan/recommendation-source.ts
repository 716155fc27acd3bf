import type { Change, KnobRef, KnobValue, Observation, Topology } from "../../src/backend.js";

/** What a recommendation source sees: the discovered host, one interval's metrics, the knobs' current values. */
export interface PlanInput {
  topology: Topology;
  observation?: Observation;
  /** Current value of every knob the host offers, by knob key (`knob@target`, knobKey). */
  values: ReadonlyMap<string, KnobValue>;
  /** Network namespace the network rules target ("host" for the host's own). */
  netns: string;
}

/**
 * Something that proposes changes with reasons and never applies them: the engine's tuners
 * (src/tuners/) through tuner-source.ts.
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
