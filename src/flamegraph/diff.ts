import { childNamed, type FrameNode } from "./frame-tree.js";
import { functionWeights } from "./function-weights.js";
import { type StackProfile, totalWeight } from "./stack-profile.js";

export interface FunctionChange {
  functionName: string;
  /** Change of the function's self share in percentage points: 100 · (after/Ta − before/Tb). */
  changePercent: number;
  beforePercent: number;
  afterPercent: number;
  beforeSamples: number;
  afterSamples: number;
}

/**
 * Per-function changes between two profiles, normalised by each profile's total, so a profile
 * twice as long does not show every function as doubled (the complaint in grafana/pyroscope#408).
 * Functions that appear or vanish are included (both directions); a change must exceed
 * `minChangePercent` points. Ranked by size of change. A profile against itself has no changes.
 */
export function functionChanges(before: StackProfile, after: StackProfile, minChangePercent = 0): FunctionChange[] {
  const beforeTotal = totalWeight(before);
  const afterTotal = totalWeight(after);
  const beforeWeights = functionWeights(before);
  const afterWeights = functionWeights(after);
  const names = new Set([...beforeWeights.keys(), ...afterWeights.keys()]);
  const changes: FunctionChange[] = [];
  for (const functionName of names) {
    const beforeSamples = beforeWeights.get(functionName)?.self ?? 0;
    const afterSamples = afterWeights.get(functionName)?.self ?? 0;
    const beforePercent = beforeTotal > 0 ? (100 * beforeSamples) / beforeTotal : 0;
    const afterPercent = afterTotal > 0 ? (100 * afterSamples) / afterTotal : 0;
    const changePercent = afterPercent - beforePercent;
    if (Math.abs(changePercent) > minChangePercent) {
      changes.push({ functionName, changePercent, beforePercent, afterPercent, beforeSamples, afterSamples });
    }
  }
  return changes.sort(
    (a, b) => Math.abs(b.changePercent) - Math.abs(a.changePercent) || (a.functionName < b.functionName ? -1 : 1),
  );
}

/**
 * Marks each node of the after tree with the self weight of the same path in the before tree
 * (0 where the path is new), making it a differential tree: width from after, colour from the
 * change. Paths only in the before tree have no frame here; functionChanges still reports them.
 */
export function annotateBefore(after: FrameNode, before: FrameNode): FrameNode {
  const work: [FrameNode, FrameNode | undefined][] = [[after, before]];
  while (work.length > 0) {
    const [node, match] = work.pop() as [FrameNode, FrameNode | undefined];
    node.before = match?.self ?? 0;
    for (const child of node.children)
      work.push([child, match === undefined ? undefined : childNamed(match, child.name)]);
  }
  return after;
}
