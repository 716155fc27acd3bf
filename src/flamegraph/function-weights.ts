import type { StackProfile } from "./stack-profile.js";

export interface FunctionWeight {
  /** Weight of stacks whose leaf is this function (pprof's "flat"). */
  self: number;
  /** Weight of stacks that contain this function anywhere, counted once per stack even when recursive ("cum"). */
  total: number;
}

/** Self and total weight per function name, summed across every call path. */
export function functionWeights(profile: StackProfile): Map<string, FunctionWeight> {
  const weights = new Map<string, FunctionWeight>();
  const entry = (name: string) => {
    let found = weights.get(name);
    if (found === undefined) {
      found = { self: 0, total: 0 };
      weights.set(name, found);
    }
    return found;
  };
  const seen = new Set<string>();
  for (const [key, weight] of profile.stacks) {
    const frames = key.split(";");
    entry(frames[frames.length - 1] as string).self += weight;
    seen.clear();
    for (const frame of frames) {
      if (seen.has(frame)) continue;
      seen.add(frame);
      entry(frame).total += weight;
    }
  }
  return weights;
}
