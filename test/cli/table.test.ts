import { describe, expect, it } from "vitest";
import { renderTable } from "../../src/cli/table.js";

describe("plain-text tables", () => {
  it("right-aligns numbers, left-aligns words, and keeps a text column left whatever its cells", () => {
    const rows = [
      ["llc-ways@batch-1", "1", "+9.3%"],
      ["purchase-option@web-1", '"reserved-1y"', "+44.0%"],
    ];
    expect(renderTable(["Knob", "To", "Impact"], rows, [1]).split("\n")).toEqual([
      "Knob                   To             Impact",
      "---------------------  -------------  ------",
      "llc-ways@batch-1       1               +9.3%",
      'purchase-option@web-1  "reserved-1y"  +44.0%',
      "",
    ]);
    // Without it, a bare number is a figure and goes right.
    expect(
      renderTable(
        ["Knob", "To"],
        rows.map((r) => r.slice(0, 2)),
      ).split("\n")[2],
    ).toBe("llc-ways@batch-1                   1");
  });
});
