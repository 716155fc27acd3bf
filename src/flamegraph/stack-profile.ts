/**
 * The format-neutral form every parser produces: distinct call stacks, root first, each with a
 * weight (samples, microseconds or bytes, as `unit` says). Stacks are keyed by their frames
 * joined with ";" (the folded format), so a frame name never contains ";" or a line break.
 */
export interface StackProfile {
  /** Folded stack ("root;child;leaf") → summed weight. Insertion-ordered. */
  stacks: Map<string, number>;
  /** What a weight counts: "samples", "microseconds", "nanoseconds", "bytes". */
  unit: string;
  /** What the parser left out or assumed, for the user to see ("kept the cycles samples..."). */
  notes?: string[];
}

export function emptyProfile(unit = "samples"): StackProfile {
  return { stacks: new Map(), unit };
}

/** A frame name safe for the folded format: ";" becomes ":" (as stackcollapse-perf.pl does), line breaks spaces. */
export function cleanFrame(name: string): string {
  const cleaned = name
    .replace(/;/g, ":")
    .replace(/[\r\n\t]+/g, " ")
    .trim();
  return cleaned === "" ? "[unknown]" : cleaned;
}

/** Adds `weight` to the stack `frames` (root first); frames are cleaned, empty stacks and zero weights ignored. */
export function addStack(profile: StackProfile, frames: readonly string[], weight: number): void {
  if (frames.length === 0 || !(weight > 0)) return;
  const key = frames.map(cleanFrame).join(";");
  profile.stacks.set(key, (profile.stacks.get(key) ?? 0) + weight);
}

/** The sum of all weights. */
export function totalWeight(profile: StackProfile): number {
  let total = 0;
  for (const weight of profile.stacks.values()) total += weight;
  return total;
}
