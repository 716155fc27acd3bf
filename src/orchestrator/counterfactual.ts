import type { Change, KnobValue } from "../backend.js";
import type { SloSample } from "./ab-test.js";

/** Paired samples of one window without (a) and with (b) some changes, and the monthly cost of each. */
export interface Comparison {
  a: SloSample[];
  b: SloSample[];
  costA: number;
  costB: number;
}

/**
 * What only a twin can do: run the same future twice. Given the knob state now, it simulates a
 * window with and without some changes, with the same random numbers (common random numbers),
 * and returns per-sample service levels of both runs, paired sample by sample. Live hosts have
 * no such capability; the orchestrator then compares before and after on the one timeline.
 */
export interface Counterfactual {
  /** Samples of the given state alone over `windowMs` (the same random numbers every time). */
  evaluate(
    state: ReadonlyMap<string, KnobValue>,
    windowMs: number,
    sampleMs: number,
  ): Promise<{ samples: SloSample[]; cost: number }>;
  /** Samples of `windowMs` split into `sampleMs` pieces, without (a) and with (b) the changes. */
  compare(
    state: ReadonlyMap<string, KnobValue>,
    changes: readonly Change[],
    windowMs: number,
    sampleMs: number,
  ): Promise<Comparison>;
}
