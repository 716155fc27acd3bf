import type { StackProfile } from "./stack-profile.js";

/**
 * A flame graph's tree: one node per distinct path from the root (so one function appears once
 * per distinct caller chain), total = the weight of every stack through the node, self = the
 * weight of stacks ending at it. Children are sorted by name (code point order), which puts the
 * x axis in alphabetical order per level, as flamegraph.pl does. In a differential tree,
 * `before` holds the node's self weight in the before profile.
 */
export interface FrameNode {
  name: string;
  total: number;
  self: number;
  children: FrameNode[];
  /** Differential trees only: the self weight of the same path in the before profile. */
  before?: number;
}

const byName = (a: FrameNode, b: FrameNode) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export interface TreeOptions {
  /** The root's name ("all", as flamegraph.pl names it). */
  rootName?: string;
  /** Frames weighing less than this are left out with everything above them (default 0: keep all). */
  minWeight?: number;
}

/**
 * Merges the profile's stacks into a tree, level by level: the stacks through a frame are
 * grouped by their next frame, and a group lighter than `minWeight` is dropped on the spot with
 * everything above it, never visited or allocated. That keeps a million-line profile cheap when
 * only the frames wide enough to draw are wanted. Siblings end up in name order.
 */
export function buildFrameTree(profile: StackProfile, options: TreeOptions | string = {}): FrameNode {
  const { rootName = "all", minWeight = 0 } = typeof options === "string" ? { rootName: options } : options;
  const keys = [...profile.stacks.keys()];
  const weights = Float64Array.from(profile.stacks.values());
  // Where each stack's next frame starts.
  const offset = new Int32Array(keys.length);
  const root: FrameNode = { name: rootName, total: 0, self: 0, children: [] };
  const all: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    root.total += weights[i] as number;
    all.push(i);
  }
  const work: [FrameNode, number[]][] = [[root, all]];
  while (work.length > 0) {
    const [node, stacks] = work.pop() as [FrameNode, number[]];
    const groups = new Map<string, { total: number; stacks: number[] }>();
    for (const i of stacks) {
      const key = keys[i] as string;
      const at = offset[i] as number;
      if (at > key.length) {
        node.self += weights[i] as number;
        continue;
      }
      let end = key.indexOf(";", at);
      if (end < 0) end = key.length;
      const name = key.slice(at, end);
      offset[i] = end + 1;
      let group = groups.get(name);
      if (group === undefined) {
        group = { total: 0, stacks: [] };
        groups.set(name, group);
      }
      group.total += weights[i] as number;
      group.stacks.push(i);
    }
    for (const [name, group] of groups) {
      if (group.total < minWeight || group.total <= 0) continue;
      const child: FrameNode = { name, total: group.total, self: 0, children: [] };
      node.children.push(child);
      work.push([child, group.stacks]);
    }
    if (node.children.length > 1) node.children.sort(byName);
  }
  return root;
}

/** The child named `name`, by binary search over the sorted children. */
export function childNamed(node: FrameNode, name: string): FrameNode | undefined {
  let low = 0;
  let high = node.children.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const child = node.children[mid] as FrameNode;
    if (child.name === name) return child;
    if (child.name < name) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}
