import type { CpuProfile, CpuProfileNode } from "./cpuprofile.js";
import { cleanFrame, type StackProfile } from "./stack-profile.js";

/** A frame's name: the function, then where it is ("fib /app/main.js:12"); V8's "(program)" and the like alone. */
export function frameLabel(frame: CpuProfileNode["callFrame"]): string {
  const name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
  if (frame.url === "") return name;
  return `${name} ${frame.url.replace(/^file:\/\//, "")}:${frame.lineNumber + 1}`;
}

/**
 * Each sample's weight in microseconds: the time until the next sample (the last sample's runs
 * to endTime), as DevTools attributes time. V8 also records samples that are not timer ticks
 * (profile start, deoptimizations), so counting samples would overweight busy JIT phases; the
 * time deltas do not. Negative deltas (V8 occasionally records samples out of order) count 0.
 */
export function sampleWeights(profile: CpuProfile): Float64Array {
  const count = profile.samples.length;
  const weights = new Float64Array(count);
  let time = profile.startTime;
  for (let i = 0; i < count; i++) {
    time += profile.timeDeltas[i] as number;
    const next = i + 1 < count ? time + (profile.timeDeltas[i + 1] as number) : profile.endTime;
    weights[i] = Math.max(0, next - time);
  }
  return weights;
}

/** Each node's stack (root first, without V8's "(root)"), keyed by node id. */
export function nodeStacks(profile: CpuProfile): Map<number, string[]> {
  const byId = new Map<number, CpuProfileNode>(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stacks = new Map<number, string[]>();
  const stackOf = (id: number): string[] => {
    const known = stacks.get(id);
    if (known !== undefined) return known;
    // Walk up to the nearest node whose stack is known, then fill in on the way down (no recursion).
    const chain: number[] = [];
    for (let at: number | undefined = id; at !== undefined && !stacks.has(at); at = parent.get(at)) chain.push(at);
    for (let k = chain.length - 1; k >= 0; k--) {
      const nodeId = chain[k] as number;
      const up = parent.get(nodeId);
      const base = up === undefined ? [] : (stacks.get(up) as string[]);
      const frame = (byId.get(nodeId) as CpuProfileNode).callFrame;
      const isRoot = up === undefined && frame.functionName === "(root)";
      stacks.set(nodeId, isRoot ? base : [...base, cleanFrame(frameLabel(frame))]);
    }
    return stacks.get(id) as string[];
  };
  for (const node of profile.nodes) stackOf(node.id);
  return stacks;
}

/**
 * The profile as weighted stacks, in microseconds. With `dropIdle`, samples in V8's "(idle)"
 * node (the thread waiting for work) are left out, so the weights are CPU time.
 */
export function cpuProfileStacks(profile: CpuProfile, options: { dropIdle?: boolean } = {}): StackProfile {
  const stacks = nodeStacks(profile);
  const keys = new Map<number, string>();
  for (const [id, frames] of stacks) keys.set(id, frames.join(";"));
  const weights = sampleWeights(profile);
  const out = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const key = keys.get(profile.samples[i] as number) as string;
    const weight = weights[i] as number;
    if (key === "" || weight <= 0 || (options.dropIdle && key === "(idle)")) continue;
    out.set(key, (out.get(key) ?? 0) + weight);
  }
  return { stacks: out, unit: "microseconds" };
}
