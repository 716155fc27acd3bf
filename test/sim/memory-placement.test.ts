import { describe, expect, it } from "vitest";
import { MemoryPlacement, PAGE_MIGRATION_BYTES_PER_SEC, policyTarget } from "../../sim/twin/memory-placement.js";

const GiB = 2 ** 30;
const S = 1e9;

describe("a VM's page placement", () => {
  it("migrates at the page-migration rate: half of 8 GiB moved in 4 GiB / 1.5 GB/s = 2.86 s, linearly", () => {
    const placement = new MemoryPlacement([1, 1]);
    expect(placement.sharesAt(0)).toEqual([0.5, 0.5]);
    placement.migrate([1, 0], 0, 8 * GiB, PAGE_MIGRATION_BYTES_PER_SEC);
    const seconds = (4 * GiB) / 1.5e9;
    expect(seconds).toBeCloseTo(2.863, 3);
    const half = placement.sharesAt(Math.round((seconds / 2) * S));
    expect(half[0]).toBeCloseTo(0.75, 6);
    expect(half[1]).toBeCloseTo(0.25, 6);
    expect(placement.sharesAt(Math.round(seconds * S) - 1_000_000)[0]).toBeLessThan(1);
    expect(placement.sharesAt(Math.round(seconds * S) + 1)).toEqual([1, 0]);
  });

  it("a new target mid-way starts from where the pages are, and moves only what must move", () => {
    const placement = new MemoryPlacement([0.5, 0.5]);
    placement.migrate([1, 0], 0, 8 * GiB, 1e9);
    // At 1 s of the 4.29 s move, 1 GB of the 4.29 GB has gone: node 0 holds 0.5 + 0.5 x 1/4.29.
    const at = placement.sharesAt(S);
    expect(at[0]).toBeCloseTo(0.5 + 0.5 / ((4 * GiB) / 1e9), 6);
    // Back to even: only the surplus on node 0 moves, (at[0] - 0.5) x 8 GiB at 1 GB/s.
    placement.migrate([0.5, 0.5], S, 8 * GiB, 1e9);
    const back = ((at[0] as number) - 0.5) * 8 * GiB;
    expect(placement.sharesAt(S + Math.round((back / 1e9) * S) + 1)).toEqual([0.5, 0.5]);
    expect(placement.sharesAt(S + Math.round((back / 2e9) * S))[0]).toBeCloseTo(0.5 + ((at[0] as number) - 0.5) / 2, 6);
  });

  it("each memory policy's target shares on a 2-node host", () => {
    const current = [0.3, 0.7];
    // CPUs allowed: three on node 0, one on node 1.
    const cpuNodes = [0, 0, 0, 1];
    expect(policyTarget({ mode: "default", nodes: [] }, 2, cpuNodes, current)).toEqual([0.3, 0.7]);
    expect(policyTarget({ mode: "local", nodes: [] }, 2, cpuNodes, current)).toEqual([0.75, 0.25]);
    expect(policyTarget({ mode: "interleave", nodes: [] }, 2, cpuNodes, current)).toEqual([0.5, 0.5]);
    expect(policyTarget({ mode: "interleave", nodes: [1] }, 2, cpuNodes, current)).toEqual([0, 1]);
    // preferred: everything on the first named node (while it has room: the twin does not run out).
    expect(policyTarget({ mode: "preferred", nodes: [1] }, 2, cpuNodes, current)).toEqual([0, 1]);
    expect(policyTarget({ mode: "preferred", nodes: [] }, 2, cpuNodes, current)).toEqual([1, 0]);
    // bind: the bound nodes where the CPUs are, weighted by them; else all bound nodes evenly.
    expect(policyTarget({ mode: "bind", nodes: [0, 1] }, 2, cpuNodes, current)).toEqual([0.75, 0.25]);
    expect(policyTarget({ mode: "bind", nodes: [1] }, 2, [0, 0], current)).toEqual([0, 1]);
  });
});
