import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chartRows, percentLabel, rowText } from "../../tui/chart.js";

const WINDOWS = [
  { startMin: 0, endMin: 5, improvementPct: 0 },
  { startMin: 5, endMin: 10, improvementPct: 18.3 },
  { startMin: 10, endMin: 15, improvementPct: -2.4 },
  { startMin: 15, endMin: 20, improvementPct: 0.4 },
];

function lines(convergedAtMin?: number): string[] {
  return chartRows({ windows: WINDOWS, thresholdPct: 1, convergedAtMin, spanMin: 40, width: 42, height: 10 }).map(
    rowText,
  );
}

describe("the convergence chart", () => {
  it("draws improvements above the zero line and degradations below it, with the ±threshold lines labelled", () => {
    const rows = lines();
    const zero = rows.findIndex((row) => row.startsWith("    0%┼"));
    expect(zero).toBeGreaterThan(0);
    const column = (row: string, window: number) => row[7 + Math.floor((WINDOWS[window]?.startMin ?? 0) * (35 / 40))];
    // The +18% window fills the top row; the -2.4% window fills the row under zero, not above.
    expect(rows[0]).toMatch(/^ {2}\+18%│/);
    expect(column(rows[0] as string, 1)).toBe("█");
    expect(column(rows[zero + 1] as string, 2)).toBe("█");
    expect(column(rows[zero - 1] as string, 2)).not.toBe("█");
    expect(rows.some((row) => row.startsWith("   +1%│") && row.includes("┈"))).toBe(true);
    expect(rows.some((row) => row.startsWith("   -1%│") && row.includes("┈"))).toBe(true);
    // The x axis spans the run: 0 to 40 minutes.
    expect(rows.at(-1)).toMatch(/└0 .*20m.*40m$/);
  });

  it("marks the converged point on the axis and through the empty plot", () => {
    const rows = lines(20);
    const axis = rows.at(-1) as string;
    const at = axis.indexOf("◆");
    expect(at).toBe(7 + Math.floor((20 / 40) * 35));
    expect(rows.slice(0, -1).every((row) => row[at] === "┃" || row[at] === "█")).toBe(true);
    expect(lines().at(-1)).not.toContain("◆");
    // On the middle tick the ◆ replaces the "20m" label whole rather than splitting it ("2◆m").
    expect(axis).not.toMatch(/\d◆|◆m/);
    expect(axis).toMatch(/└0 +◆ +40m$/);
  });

  it("every row is exactly as wide as asked, whatever the windows and the size", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -80, max: 300, noNaN: true }), { maxLength: 30 }),
        fc.integer({ min: 20, max: 160 }),
        fc.integer({ min: 4, max: 20 }),
        fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
        (improvements, width, height, converged) => {
          const windows = improvements.map((improvementPct, i) => ({
            startMin: i * 5,
            endMin: i * 5 + 5,
            improvementPct,
          }));
          const rows = chartRows({ windows, thresholdPct: 1, convergedAtMin: converged, spanMin: 40, width, height });
          expect(rows).toHaveLength(height + 1);
          for (const row of rows) expect(rowText(row)).toHaveLength(Math.max(width, 17));
        },
      ),
      { seed: 8, numRuns: 300 },
    );
  });

  it("labels percentages the way people read them", () => {
    expect(percentLabel(18.34)).toBe("+18%");
    expect(percentLabel(1)).toBe("+1%");
    expect(percentLabel(-0.5)).toBe("-0.5%");
    expect(percentLabel(0)).toBe("0%");
  });
});
