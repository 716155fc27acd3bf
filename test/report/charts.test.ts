import { describe, expect, it } from "vitest";
import { componentChart, componentRows } from "../../src/report/component-chart.js";
import { costChart, costPerMillion, costSegments } from "../../src/report/cost-chart.js";
import { cumulativeImprovement, improvementChart } from "../../src/report/improvement-chart.js";
import { bucketQuantile, latencyChart } from "../../src/report/latency-chart.js";
import { assertWellFormed, fixtureResult } from "../helpers/run-result-fixture.js";

/** The x coordinate of every element with `class`. */
function xsOf(svg: string, cls: string, attribute = "x1"): number[] {
  return [...svg.matchAll(new RegExp(`<[^>]*class="${cls}"[^>]*>`, "g"))].map((m) =>
    Number(new RegExp(`${attribute}="([-\\d.]+)"`).exec(m[0])?.[1]),
  );
}

describe("report charts", () => {
  const result = fixtureResult();

  it("are standalone SVG documents with a title, axes titles with units and escaped text", () => {
    for (const svg of [improvementChart(result), latencyChart(result), costChart(result), componentChart(result)]) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      assertWellFormed(svg);
      expect(svg).toContain("fixture &lt;&amp;&gt; &quot;quoted&quot;");
    }
    expect(improvementChart(result)).toContain("simulated time (min)");
    expect(improvementChart(result)).toContain("improvement vs first window (%)");
    expect(latencyChart(result)).toContain("response time (ms, log scale)");
    expect(latencyChart(result)).toContain("share of requests (%)");
    expect(costChart(result)).toContain("monthly cost (USD)");
    expect(componentChart(result)).toContain("change vs untuned (%)");
  });

  it("the improvement chart compounds the windows and marks kept changes, rollbacks and convergence where they happened", () => {
    const points = cumulativeImprovement(result.convergence.windows);
    expect(points[0]).toEqual([0, 0]);
    // 1.1 * 1.02 * 1.12 * 0.97 * 1.05 * 1.005 * 1.002 - 1
    expect(points.at(-1)?.[1]).toBeCloseTo((1.1 * 1.02 * 1.12 * 0.97 * 1.05 * 1.005 * 1.002 - 1) * 100, 9);
    const svg = improvementChart(result);
    expect(svg.match(/class="rollback"/g)).toHaveLength(1);
    expect(svg.match(/class="kept"/g)).toHaveLength(2); // minutes 15 and 25
    expect(svg).toContain("rollback (1)");
    expect(svg).toContain("change kept (3)");
    // The convergence line sits at 35 of a 0-40 axis.
    const [x] = xsOf(svg, "converged");
    const axisLeft = 72;
    const axisRight = 760 - 24;
    expect(x).toBeCloseTo(axisLeft + (35 / 40) * (axisRight - axisLeft), 0);
    const notConverged = improvementChart(
      fixtureResult({ convergence: { ...result.convergence, converged: false, atMinutes: null } }),
    );
    expect(notConverged).not.toContain('class="converged"');
    expect(notConverged).toContain("not converged");
  });

  it("the latency chart shows both distributions and each side's p95, in order", () => {
    const svg = latencyChart(result);
    expect(svg).toContain('class="before"');
    expect(svg).toContain('class="after"');
    const [before, after] = xsOf(svg, "p95");
    expect(after as number).toBeLessThan(before as number); // 14 ms left of 20 ms
    expect(svg).toContain("p95 20.0 ms");
    expect(svg).toContain("p95 14.0 ms");
  });

  it("bucket quantiles interpolate within the bucket and stay inside it", () => {
    const buckets = result.detail.tuned.latency; // 300 in [6,7), 150 in [9,10), 50 in [12,14)
    expect(bucketQuantile(buckets, 0.5)).toBeGreaterThanOrEqual(6);
    expect(bucketQuantile(buckets, 0.5)).toBeLessThan(7);
    expect(bucketQuantile(buckets, 0.95)).toBeGreaterThanOrEqual(12);
    expect(bucketQuantile(buckets, 0.95)).toBeLessThanOrEqual(14);
    expect(bucketQuantile([], 0.5)).toBeNaN();
  });

  it("a run with no requests still gives a valid latency chart that says so", () => {
    const empty = fixtureResult();
    empty.detail.baseline.latency = [];
    empty.detail.tuned.latency = [];
    const svg = latencyChart(empty);
    assertWellFormed(svg);
    expect(svg).toContain("no requests were served");
  });

  it("the cost chart stacks a segment per VM for both sides and states cost per million requests", () => {
    const svg = costChart(result);
    expect(svg.match(/class="segment before"/g)).toHaveLength(2);
    expect(svg.match(/class="segment after"/g)).toHaveLength(2);
    expect(costPerMillion(730, 1000)).toBeCloseTo(730 / ((1000 * 730 * 3600) / 1e6), 12);
    expect(svg).toContain(`$${costPerMillion(730, 1300).toFixed(2)} per million requests`);
    // Many VMs fold into the dearest nine and "others".
    const many = Array.from({ length: 25 }, (_, i) => ({ name: `vm-${i}`, monthlyCostUsd: i, throughputRps: 1 }));
    const segments = costSegments(many, many);
    expect(segments).toHaveLength(10);
    expect(segments.at(-1)).toBe("others");
    expect(segments).toContain("vm-24");
    expect(segments).not.toContain("vm-0");
  });

  it("the component chart has a row per component and one for all together, three bars each", () => {
    expect(componentRows(result).map((row) => row.label)).toEqual([
      "numa alone (2 knobs)",
      "cpu-pinning alone (1 knob)",
      "all together (tuned)",
    ]);
    const svg = componentChart(result);
    expect(svg.match(/class="bar /g)).toHaveLength(9);
    expect(svg).toContain("+30.0%"); // throughput all together
    const unmeasured = fixtureResult();
    delete unmeasured.detail.components;
    expect(componentChart(unmeasured)).toContain("not measured");
    expect(componentChart(fixtureResult({ detail: { ...result.detail, components: [] } }))).toContain(
      "no change was kept",
    );
  });

  it("charts are a pure function of the result: the same result gives the same bytes", () => {
    expect(improvementChart(fixtureResult())).toBe(improvementChart(fixtureResult()));
    expect(costChart(fixtureResult())).toBe(costChart(fixtureResult()));
  });
});
