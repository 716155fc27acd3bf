import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { fakeIO } from "../helpers/fake-io.js";

describe("twintune validate", () => {
  it("prints a passing table and, with --json, the same rows for scripts", async () => {
    const io = fakeIO();
    expect(await main(["validate", "--json", "--seed", "3"], io)).toBe(0);
    const report = JSON.parse(io.out());
    expect(report.seed).toBe(3);
    expect(report.passed).toBe(true);
    const models = report.rows.map((row: { model: string }) => row.model);
    expect(models).toEqual(expect.arrayContaining(["M/M/1", "M/D/1", "M/G/1", "M/M/c", "Little's law"]));
    for (const row of report.rows) {
      expect(Math.abs(row.relativeError)).toBeLessThanOrEqual(row.tolerance);
      expect(row.source.length).toBeGreaterThan(0);
    }
    // Every validation case in one call: about 11 s alone, and over 30 s beside the suite's other
    // files on a 2-core machine (it timed out so once).
  }, 120_000);
});
