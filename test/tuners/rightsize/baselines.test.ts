import { describe, expect, it } from "vitest";
import {
  computeOptimizerBaseline,
  krrSimpleBaseline,
  typeForRequest,
  vpaBaseline,
} from "../../../src/tuners/rightsize/baselines/index.js";
import { RightSizer } from "../../../src/tuners/rightsize/right-sizer.js";
import type { VmHistory } from "../../../src/tuners/rightsize/vm-history.js";
import { smallCatalog } from "../../helpers/synthetic-vm.js";

const catalog = smallCatalog();
const LOOKBACK = 14 * 86_400;

/** A history whose CPU runs 1, 2, ..., 100 cores/10 in turn and whose memory is 1..100 GiB/10. */
function history(samples: number, oomAt = -1): VmHistory {
  const sizer = new RightSizer(catalog);
  for (let i = 0; i < samples; i++) {
    const v = ((i % 100) + 1) / 100;
    sizer.observe("vm", { time: i * 300, cpu: v, mem: v, oom: i === oomAt }, "m.2xlarge"); // 8 vCPUs, 32 GiB
  }
  return sizer.history("vm") as VmHistory;
}

describe("baselines, re-implemented from their sources", () => {
  it("KRR simple: CPU P95, memory max × 1.15, nothing below 100 points", () => {
    const request = krrSimpleBaseline.request(history(1000), LOOKBACK);
    expect(request?.cpuCores).toBeCloseTo(0.9505 * 8, 6);
    expect(request?.memGiB).toBeCloseTo(32 * 1.15, 6);
    expect(krrSimpleBaseline.request(history(99), LOOKBACK)).toBeUndefined();
  });

  it("AWS Compute Optimizer: P99.5 plus 20% headroom", () => {
    const request = computeOptimizerBaseline.request(history(1000), LOOKBACK);
    // The top 1% of the 1000 samples are all at 100%: P99.5 is the full 8 vCPUs and 32 GiB.
    expect(request?.cpuCores).toBeCloseTo(8 * 1.2, 5);
    expect(request?.memGiB).toBeCloseTo(32 * 1.2, 5);
    // 100 distinct samples: P99.5 interpolates halfway past the 99th (0.99 + 0.505 × 0.01).
    const distinct = computeOptimizerBaseline.request(history(100), LOOKBACK);
    expect(distinct?.cpuCores).toBeCloseTo(0.99505 * 8 * 1.2, 5);
  });

  it("VPA: p90 × 1.15 of a decaying histogram (within its 5% buckets), and the OOM bump", () => {
    const request = vpaBaseline.request(history(2000), LOOKBACK);
    expect(Math.abs((request?.cpuCores as number) / (0.9 * 8 * 1.15) - 1)).toBeLessThan(0.05);
    // Daily memory peaks are all 32 GiB: the target is 32 × 1.15.
    expect(Math.abs((request?.memGiB as number) / (32 * 1.15) - 1)).toBeLessThan(0.05);
    const oom = vpaBaseline.request(history(2000, 1990), LOOKBACK);
    expect(oom?.memGiB as number).toBeGreaterThan((request?.memGiB as number) * 1.1);
  });

  it("size to 100% of the request: the cheapest type at least as big, else the biggest", () => {
    const current = catalog.get("m.large");
    if (current === undefined) throw new Error("catalog");
    expect(typeForRequest(catalog, { cpuCores: 3, memGiB: 5 }, current).name).toBe("c.xlarge");
    expect(typeForRequest(catalog, { cpuCores: 30, memGiB: 5 }, current).name).toBe("m.2xlarge");
    expect(typeForRequest(catalog, undefined, current)).toBe(current);
  });
});
