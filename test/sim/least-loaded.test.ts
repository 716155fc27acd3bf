import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LeastLoaded } from "../../sim/fluid/least-loaded.js";

describe("LeastLoaded", () => {
  it("picks what a scan for the least loaded, lowest-index bin picks (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 300 }),
        (bins, items) => {
          const heap = new LeastLoaded(bins);
          const load = new Array<number>(bins).fill(0);
          for (const item of items) {
            const expected = load.indexOf(Math.min(...load));
            load[expected] = (load[expected] as number) + item;
            expect(heap.add(item)).toBe(expected);
          }
        },
      ),
    );
  });

  it("spreads 200,000 items over 150,000 bins (a scan of every bin per item would not finish)", () => {
    const bins = new LeastLoaded(150_000);
    const used = new Set<number>();
    for (let i = 0; i < 200_000; i++) used.add(bins.add(1 + (i % 8)));
    expect(used.size).toBe(150_000);
  });
});
