import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventHeap } from "../../sim/event-heap.js";

describe("EventHeap", () => {
  it("pops entries in (time, order) order whatever the insertion order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 300 }),
        (entries) => {
          const heap = new EventHeap(2);
          entries.forEach(([time, order], slot) => {
            heap.push(time, order, slot);
          });
          const popped: [number, number][] = [];
          while (heap.size > 0) {
            popped.push([heap.topTime(), heap.topOrder()]);
            heap.pop();
          }
          const expected = entries
            .map(([t, o]) => [t, o])
            .sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
          expect(popped).toEqual(expected);
        },
      ),
    );
  });

  it("interleaved pushes and pops keep the heap property", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(-1)), { maxLength: 400 }), (ops) => {
        const heap = new EventHeap(1);
        const model: number[] = [];
        let slot = 0;
        for (const op of ops) {
          if (op >= 0) {
            heap.push(op, slot, slot);
            model.push(op * 1e6 + slot);
            slot++;
          } else if (model.length > 0) {
            model.sort((a, b) => a - b);
            const expected = model.shift() as number;
            expect(heap.topTime() * 1e6 + heap.topOrder()).toBe(expected);
            heap.pop();
          }
        }
        expect(heap.size).toBe(model.length);
      }),
    );
  });

  it("filter keeps the chosen entries in order", () => {
    const heap = new EventHeap(4);
    for (let slot = 0; slot < 100; slot++) heap.push((slot * 37) % 100, slot, slot);
    heap.filter((slot) => slot % 3 === 0);
    const times: number[] = [];
    while (heap.size > 0) {
      expect(heap.topSlot() % 3).toBe(0);
      times.push(heap.topTime());
      heap.pop();
    }
    expect(times).toHaveLength(34);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("reports Infinity as the top time when empty", () => {
    expect(new EventHeap().topTime()).toBe(Number.POSITIVE_INFINITY);
  });
});
