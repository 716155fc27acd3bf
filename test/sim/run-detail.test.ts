import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTuning } from "../../sim/tuning-run.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";

const HOST = join(import.meta.dirname, "..", "fixtures", "scenarios", "tiny-host.yaml");

describe("a host run's detail", () => {
  it("counts every request of the evaluation window in its latency histogram, and has a timeline of samples", async () => {
    const resolved = loadScenario(HOST);
    const result = await runTuning(resolved, { seed: 4 });
    const seconds = resolved.scenario.evaluation.window / 1000;
    for (const side of ["baseline", "tuned"] as const) {
      const counted = result.detail[side].latency.reduce((sum, bucket) => sum + bucket.count, 0);
      expect(counted).toBe(Math.round(result[side].throughputRps * seconds));
      expect(result.detail[side].costs).toEqual([
        { name: "db", monthlyCostUsd: 73, throughputRps: result[side].throughputRps },
      ]);
    }
    expect(result.detail.timeline.map((p) => p.minute)).toEqual([1, 2]);
    expect(result.detail.components).toBeUndefined();
    expect(result.modelVersion).toMatch(/\+engine\.[0-9a-f]{8}\+models\.[0-9a-f]{8}$/);
  }, 60_000);
});
