// Prior art's sizing rules, re-implemented for side-by-side comparison.
import type { Baseline } from "./baseline.js";
import { computeOptimizerBaseline } from "./compute-optimizer.js";
import { krrSimpleBaseline } from "./krr-simple.js";
import { vpaBaseline } from "./vpa.js";

export { type Baseline, type Request, typeForRequest } from "./baseline.js";
export { computeOptimizerBaseline, krrSimpleBaseline, vpaBaseline };

export const BASELINES: readonly Baseline[] = [vpaBaseline, krrSimpleBaseline, computeOptimizerBaseline];
