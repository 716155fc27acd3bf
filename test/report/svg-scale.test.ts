import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { legendPositions } from "../../src/report/svg/frame.js";
import { linearScale, logScale, niceDomain, niceTicks, tickLabel } from "../../src/report/svg/scale.js";
import { escapeXml, px } from "../../src/report/svg/svg.js";

describe("chart scales", () => {
  it("nice ticks lie in the domain, evenly spaced on 1, 2, 2.5 or 5 times a power of ten (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        (low, span) => {
          const ticks = niceTicks(low, low + span, 6);
          expect(ticks.length).toBeGreaterThanOrEqual(2);
          expect(ticks.length).toBeLessThanOrEqual(13);
          for (const t of ticks) {
            expect(t).toBeGreaterThanOrEqual(low - span * 1e-9);
            expect(t).toBeLessThanOrEqual(low + span + span * 1e-9);
          }
          const step = (ticks[1] as number) - (ticks[0] as number);
          const mantissa = step / 10 ** Math.floor(Math.log10(step));
          expect([1, 2, 2.5, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
        },
      ),
      { seed: 42 },
    );
  });

  it("a nice domain contains the data and starts and ends on ticks", () => {
    expect(niceDomain(3, 97)).toEqual([0, 100]);
    expect(niceDomain(-12, 4.3)).toEqual([-15, 5]);
    const [a, b] = niceDomain(5, 5);
    expect(a).toBeLessThan(5);
    expect(b).toBeGreaterThan(5);
  });

  it("linear and log scales map the domain onto the range", () => {
    const x = linearScale([0, 40], [72, 736]);
    expect(x(0)).toBe(72);
    expect(x(40)).toBe(736);
    expect(x(20)).toBe(404);
    const log = logScale([1, 100], [0, 200]);
    expect(log(10)).toBeCloseTo(100, 9);
    expect(log.ticks()).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(() => logScale([0, 10], [0, 1])).toThrow(/positive domain/);
  });

  it("labels and coordinates are short and stable", () => {
    expect(tickLabel(12500)).toBe("12.5k");
    expect(tickLabel(1250)).toBe("1,250");
    expect(tickLabel(0.125)).toBe("0.125");
    expect(tickLabel(2_500_000)).toBe("2.5M");
    expect(px(1.26)).toBe("1.3");
    expect(px(-0.01)).toBe("0");
    expect(() => px(Number.NaN)).toThrow();
    expect(escapeXml(`<a & "b">`)).toBe("&lt;a &amp; &quot;b&quot;&gt;");
  });

  it("legend items flow left to right and wrap before the right edge", () => {
    const items = Array.from({ length: 8 }, (_, i) => ({
      label: `series number ${i}`,
      color: "#000",
      kind: "box" as const,
    }));
    const positions = legendPositions(items, 736);
    expect(positions[0]).toEqual({ x: 16, row: 0 });
    expect(Math.max(...positions.map((p) => p.row))).toBeGreaterThan(0);
    for (const p of positions) expect(p.x + 28 + 16 * 6.6).toBeLessThanOrEqual(736 + 1e-9);
  });
});
