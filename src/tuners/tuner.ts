import type { KnobRef, KnobValue, Observation, Topology } from "../backend.js";

/** The key of a knob in maps: "io-scheduler@sda". */
export function knobKey(ref: KnobRef): string {
  return `${ref.knob}@${ref.target}`;
}

/** What a tuner may look at: what a real host shows, never the twin's ground truth. */
export interface TunerContext {
  topology: Topology;
  /** The latest interval's metrics. */
  observation: Observation;
  /** Earlier intervals, oldest first (may be empty). */
  history: readonly Observation[];
  /** Current value of every knob the backend offers, by knobKey. */
  knobs: ReadonlyMap<string, KnobValue>;
  /** Changes kept so far, with the time (ms) they were applied: for rate limits such as numad's 5 minutes. */
  recentChanges: readonly { key: string; at: number }[];
  /** Backend clock, ms. */
  now: number;
}

/** A change a tuner proposes, with its expected effect and the reasons in words. */
export interface Recommendation {
  component: string;
  knob: KnobRef;
  to: KnobValue;
  /** Expected relative improvement of the service level, for ranking (0.05 = 5%). */
  expectedImpact: number;
  reasons: string[];
  /** Recommendations with the same group only make sense together (a VM's CPUs and its memory): judged and applied as one. */
  group?: string;
}

/** A pure tuning component: observations and topology in, recommendations out. It cannot act. */
export interface Tuner {
  readonly component: string;
  recommend(context: TunerContext): Recommendation[];
}
