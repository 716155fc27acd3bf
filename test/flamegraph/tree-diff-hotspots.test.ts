import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { annotateBefore, functionChanges } from "../../src/flamegraph/diff.js";
import { parseFolded } from "../../src/flamegraph/folded-parser.js";
import { buildFrameTree, type FrameNode } from "../../src/flamegraph/frame-tree.js";
import { findHotspots } from "../../src/flamegraph/hotspots.js";
import { flameJsonText, toFlameJson } from "../../src/flamegraph/json-renderer.js";
import type { StackProfile } from "../../src/flamegraph/stack-profile.js";
import { frameName } from "./arbitraries.js";

const profileArbitrary = fc
  .dictionary(
    fc.array(fc.constantFrom("main", "a", "b", "c", "d"), { minLength: 1, maxLength: 5 }).map((f) => f.join(";")),
    fc.integer({ min: 1, max: 1000 }),
    { minKeys: 1, maxKeys: 25 },
  )
  .map((stacks): StackProfile => ({ stacks: new Map(Object.entries(stacks)), unit: "samples" }));

function walk(node: FrameNode, visit: (node: FrameNode) => void): void {
  const work = [node];
  while (work.length > 0) {
    const at = work.pop() as FrameNode;
    visit(at);
    work.push(...at.children);
  }
}

describe("frame tree", () => {
  it("conserves weight: root = all samples, total = self + children, children sorted and never wider (property)", () => {
    fc.assert(
      fc.property(profileArbitrary, (profile) => {
        const tree = buildFrameTree(profile);
        expect(tree.total).toBe([...profile.stacks.values()].reduce((a, b) => a + b, 0));
        walk(tree, (node) => {
          const children = node.children.reduce((sum, child) => sum + child.total, 0);
          expect(node.total).toBe(node.self + children);
          for (const child of node.children) expect(child.total).toBeLessThanOrEqual(node.total);
          const names = node.children.map((child) => child.name);
          expect(names).toEqual([...names].sort());
          expect(new Set(names).size).toBe(names.length);
        });
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe("flame graph JSON", () => {
  it("written without recursion, it is exactly JSON.stringify of the tree (property), also in a diff", () => {
    fc.assert(
      fc.property(profileArbitrary, profileArbitrary, (before, after) => {
        const tree = buildFrameTree(after);
        expect(flameJsonText(tree)).toBe(JSON.stringify(toFlameJson(tree)));
        const diff = annotateBefore(buildFrameTree(after), buildFrameTree(before));
        expect(flameJsonText(diff)).toBe(JSON.stringify(toFlameJson(diff)));
      }),
      { seed: 9, numRuns: 100 },
    );
  });

  it("holds a stack 20,000 frames deep, where JSON.stringify overflows", () => {
    const deep = Array.from({ length: 20_000 }, (_, i) => `f${i}`).join(";");
    const tree = buildFrameTree(parseFolded(`${deep} 5\n`));
    const parsed = JSON.parse(flameJsonText(tree));
    let depth = 0;
    for (let node = parsed; node.children.length > 0; node = node.children[0]) depth++;
    expect(depth).toBe(20_000);
  });
});

describe("hotspots", () => {
  it("ranks functions by self share across call paths, counting recursion once in the total", () => {
    const profile = parseFolded("main;f;f 4\nmain;g 6\nmain;h;g 2\nmain 0.5\nmain;k 0.5\n");
    // total 13: g self 8 (61.5%), f self 4 (30.8%), main 0.5, k 0.5.
    const hotspots = findHotspots(profile, 0.2);
    expect(hotspots.map((h) => [h.functionName, h.samples, h.totalSamples])).toEqual([
      ["g", 8, 8],
      ["f", 4, 4],
    ]);
    expect(hotspots[0]?.percentage).toBeCloseTo(8 / 13, 12);
    expect(findHotspots(profile).map((h) => h.functionName)).toEqual(["g", "f"]);
    expect(findHotspots(profile, 0.01).map((h) => h.functionName)).toEqual(["g", "f", "k", "main"]);
  });
});

describe("differential profiles", () => {
  it("a profile against itself, or against a multiple of itself, has no changes (property)", () => {
    fc.assert(
      fc.property(profileArbitrary, fc.integer({ min: 2, max: 7 }), (profile, factor) => {
        expect(functionChanges(profile, profile)).toEqual([]);
        const scaled: StackProfile = {
          stacks: new Map([...profile.stacks].map(([key, weight]) => [key, weight * factor])),
          unit: "samples",
        };
        // Normalised by totals: a longer profile of the same program is not a change.
        for (const change of functionChanges(profile, scaled))
          expect(Math.abs(change.changePercent)).toBeLessThan(1e-9);
      }),
      { seed: 8, numRuns: 300 },
    );
  });

  it("reports changes in both directions, including functions that appear or vanish", () => {
    const before = parseFolded("main;a 50\nmain;b 30\nmain;gone 20\n");
    const after = parseFolded("main;a 100\nmain;b 20\nmain;new 80\n");
    const changes = functionChanges(before, after);
    const by = Object.fromEntries(changes.map((c) => [c.functionName, c.changePercent]));
    expect(by.a).toBeUndefined(); // 50% → 50%: no change, not listed
    expect(by.b).toBeCloseTo(-20); // 30% → 10%
    expect(by.gone).toBeCloseTo(-20);
    expect(by.new).toBeCloseTo(40);
    expect(changes[0]?.functionName).toBe("new");
    expect(changes.map((c) => c.functionName)).not.toContain("main");
  });

  it("names are kept exactly (property over odd frame names)", () => {
    fc.assert(
      fc.property(fc.array(frameName, { minLength: 1, maxLength: 4 }), (frames) => {
        const profile: StackProfile = { stacks: new Map([[frames.join(";"), 3]]), unit: "samples" };
        expect(findHotspots(profile, 0)[0]?.functionName).toBe(frames.at(-1));
      }),
      { seed: 3, numRuns: 100 },
    );
  });
});

describe("frame tree pruning", () => {
  it("building with a minimum weight equals the full tree with light frames cut off (property)", () => {
    const prune = (node: FrameNode, min: number): unknown => ({
      name: node.name,
      total: node.total,
      self: node.self,
      children: node.children.filter((child) => child.total >= min).map((child) => prune(child, min)),
    });
    fc.assert(
      fc.property(profileArbitrary, fc.integer({ min: 0, max: 3000 }), (profile, min) => {
        const expected = prune(buildFrameTree(profile), min) as FrameNode;
        const pruned = buildFrameTree(profile, { minWeight: min });
        // Self stays the weight of stacks ending at the frame; dropped children leave a gap.
        expect(pruned).toEqual(expected);
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it("merges a frame once per level even when whole-line order would split it ('a b' sorts between 'a' and 'a;x')", () => {
    const tree = buildFrameTree(parseFolded("a 1\na b;x 2\na;y 3\n"));
    expect(tree.children.map((child) => [child.name, child.total, child.self])).toEqual([
      ["a", 4, 1],
      ["a b", 2, 0],
    ]);
  });
});
