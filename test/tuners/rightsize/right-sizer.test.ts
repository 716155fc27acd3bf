import { describe, expect, it } from "vitest";
import { parseCatalog } from "../../../src/catalog/catalog-loader.js";
import { policy } from "../../../src/tuners/rightsize/policy.js";
import { RightSizer } from "../../../src/tuners/rightsize/right-sizer.js";
import { chooseType } from "../../../src/tuners/rightsize/type-choice.js";
import { feedSynthetic, smallCatalog } from "../../helpers/synthetic-vm.js";

const catalog = smallCatalog();
const flat = (value: number) => () => value;
const only = (sizer: RightSizer) => {
  const [rec] = sizer.recommend();
  if (rec === undefined) throw new Error("no recommendation");
  return rec;
};

describe("RightSizer", () => {
  it("waits for the observation period and 100 samples before any action", () => {
    const short = new RightSizer(catalog);
    feedSynthetic(short, { id: "a", type: "m.2xlarge", cpu: flat(0.5), mem: flat(2), days: 0.5 });
    expect(only(short)).toMatchObject({
      action: "insufficient-data",
      to: "m.2xlarge",
      confidence: 0,
      monthlySavingsUsd: 0,
    });
    expect(only(short).reasons[0]).toMatch(/144 samples over 11\.9 h: needs at least 100 samples over 24 h/);
    const sparse = new RightSizer(catalog);
    for (let k = 0; k < 50; k++) sparse.observe("b", { time: k * 3600, cpu: 0.1, mem: 0.1 }, "m.2xlarge");
    expect(only(sparse).action).toBe("insufficient-data");
  });

  it("downsizes an oversized VM to the cheapest type that holds it, with the savings and reasons", () => {
    const sizer = new RightSizer(catalog);
    feedSynthetic(sizer, { id: "web", type: "m.2xlarge", cpu: flat(1), mem: flat(3), days: 14 });
    const rec = only(sizer);
    expect(rec).toMatchObject({ vm: "web", action: "downsize", from: "m.2xlarge", to: "c.large" });
    expect(rec.monthlySavingsUsd).toBeCloseTo((0.384 - 0.085) * 730, 6);
    expect(rec.confidence).toBeGreaterThanOrEqual(0.9);
    expect(rec.reasons[0]).toMatch(
      /^P95 CPU 1\.\d\d cores \(1\d% of m\.2xlarge's 8 vCPUs\) and peak memory 3\.\d\d GiB/,
    );
    expect(rec.reasons.some((reason) => /^c\.large holds it with \d+% confidence/.test(reason))).toBe(true);
  });

  it("upsizes a VM whose CPU sits at its ceiling (the demand is at least the vCPUs)", () => {
    const sizer = new RightSizer(catalog);
    feedSynthetic(sizer, { id: "busy", type: "c.large", cpu: flat(3), mem: flat(1), days: 3 });
    const rec = only(sizer);
    expect(rec).toMatchObject({ action: "upsize", to: "c.xlarge" });
    expect(rec.reasons.join(" ")).toMatch(/CPU at its ceiling in 100\.0% of samples/);
  });

  it("after an OOM kill raises memory as VPA does: max(used + 100 MiB, used × 1.2)", () => {
    const sizer = new RightSizer(catalog);
    feedSynthetic(sizer, {
      id: "java",
      type: "c.large",
      cpu: flat(0.4),
      mem: (d) => (d > 2 && d < 2.01 ? 4.2 : 3),
      days: 3,
    });
    const rec = only(sizer);
    expect(rec.forecast?.mem.bumpedTo).toBeCloseTo(4 * 1.2, 9);
    expect(rec).toMatchObject({ action: "upsize", to: "m.large" });
    expect(rec.reasons.join(" ")).toMatch(/OOM kills? observed: memory need raised to 4\.80 GiB/);
  });

  it("terminates an idle VM after a week, saving its whole cost", () => {
    const sizer = new RightSizer(catalog);
    feedSynthetic(sizer, { id: "forgotten", type: "m.xlarge", cpu: flat(0.01), mem: flat(1), days: 8 });
    const rec = only(sizer);
    expect(rec.action).toBe("terminate");
    expect(rec.monthlySavingsUsd).toBeCloseTo(0.192 * 730, 9);
    expect(rec.reasons[0]).toMatch(/^idle: P95 CPU below 3%/);
    const early = new RightSizer(catalog);
    feedSynthetic(early, { id: "forgotten", type: "m.xlarge", cpu: flat(0.01), mem: flat(1), days: 5 });
    expect(only(early).action).not.toBe("terminate");
  });

  it("keeps the type when the cheaper fit saves less than 10%", () => {
    const near = parseCatalog(
      "instances:\n  - { name: a, vcpus: 4, memoryGiB: 16, hourlyUsd: 0.100 }\n  - { name: b, vcpus: 4, memoryGiB: 8, hourlyUsd: 0.095 }\n",
      "near.yaml",
    );
    const sizer = new RightSizer(near);
    feedSynthetic(sizer, { id: "v", type: "a", cpu: flat(2), mem: flat(4), days: 7 });
    const rec = only(sizer);
    expect(rec).toMatchObject({ action: "maintain", from: "a", to: "a", monthlySavingsUsd: 0 });
    expect(rec.reasons.at(-1)).toBe("b would save only 5%, below the 10% minimum: keep a");
  });

  it("extrapolates a significant trend over the horizon, and says so", () => {
    const growing = {
      id: "g",
      type: "m.2xlarge",
      cpu: (d: number) => 1 + 0.035 * d,
      mem: flat(2),
      days: 14,
      noise: 0.03,
    };
    const balanced = new RightSizer(catalog);
    feedSynthetic(balanced, growing);
    const noTrend = new RightSizer(catalog, { policy: { ...policy("balanced"), extrapolateTrend: false } });
    feedSynthetic(noTrend, growing);
    // Today's P95 (~1.6 cores) fits c.large's 2 vCPUs at 80%; a week of 3.5%/day growth does not.
    expect(only(noTrend).to).toBe("c.large");
    const rec = only(balanced);
    expect(rec.to).toBe("c.xlarge");
    expect(rec.reasons.join(" ")).toMatch(/CPU trend \+\d\.\d%\/day \(significant, weekly-difference\)/);
  });

  it("does not flip within the horizon unless the needs moved by more than 10% (hysteresis)", () => {
    const vm = (cpu: (d: number) => number, days: number) => ({
      id: "h",
      type: "m.xlarge",
      cpu,
      mem: flat(1),
      days,
      noise: 0,
    });
    const sizer = new RightSizer(catalog);
    feedSynthetic(sizer, vm(flat(1.5), 14));
    expect(only(sizer).to).toBe("c.large");
    // One more day 5% busier: on its own that would not fit c.large with 90% confidence...
    const fresh = new RightSizer(catalog);
    feedSynthetic(
      fresh,
      vm((d) => (d < 14 ? 1.5 : 1.58), 15),
    );
    expect(only(fresh).to).toBe("c.xlarge");
    // ...but a recommendation made a day ago stands: the needs moved by only 5%.
    for (let k = 0; k < 288; k++)
      sizer.observe("h", { time: (14 * 288 + k) * 300, cpu: 1.58 / 4, mem: 1 / 16 }, "m.xlarge");
    const kept = only(sizer);
    expect(kept.to).toBe("c.large");
    expect(kept.reasons.join(" ")).toMatch(/keeps c\.large, recommended 24\.0 h ago: the needs moved less than 10%/);
    // A bigger move flips it at once.
    for (let k = 0; k < 288; k++)
      sizer.observe("h", { time: (15 * 288 + k) * 300, cpu: 2 / 4, mem: 1 / 16 }, "m.xlarge");
    expect(only(sizer).to).toBe("c.xlarge");
  });

  it("falls back to the biggest memory when nothing holds the observed peak, and rejects bad input", () => {
    const sizer = new RightSizer(catalog);
    feedSynthetic(sizer, { id: "huge", type: "m.2xlarge", cpu: flat(1), mem: flat(31.5), days: 2, noise: 0 });
    const rec = only(sizer);
    expect(rec.to).toBe("m.2xlarge");
    expect(rec.reasons.join(" ")).toMatch(/no catalog type holds it with 90% confidence/);
    expect(() => sizer.observe("x", { time: 0, cpu: 1.5, mem: 0 }, "c.large")).toThrow(RangeError);
    expect(() => sizer.observe("x", { time: 0, cpu: 0.5, mem: 0 }, "c.larg")).toThrow(/did you mean c\.large/);
    expect(() => sizer.observe("huge", { time: 0, cpu: 0.5, mem: 0.5 }, "c.large")).toThrow(/time goes backwards/);
  });

  it("when no type holds the needs, picks the cheapest of the most likely, not one that only adds memory", () => {
    const real = parseCatalog(
      `instances:
  - { name: c5.4xlarge, vcpus: 16, memoryGiB: 32, hourlyUsd: 0.68 }
  - { name: m5.4xlarge, vcpus: 16, memoryGiB: 64, hourlyUsd: 0.768 }
  - { name: r5.4xlarge, vcpus: 16, memoryGiB: 128, hourlyUsd: 1.008 }
  - { name: c5.xlarge, vcpus: 4, memoryGiB: 8, hourlyUsd: 0.17 }
  - { name: r5.xlarge, vcpus: 4, memoryGiB: 32, hourlyUsd: 0.252 }
`,
      "inline",
    );
    const balanced = policy("balanced");
    // 20 cores at P95 with 13.5 GiB: no 16-vCPU type holds it, and every chance is tiny.
    const cpuBound = { cpuCores: 20, memGiB: 13.5, cpuSigma: 0.1, memSigma: 0.1, memFloorGiB: 14 };
    const choice = chooseType(real, cpuBound, balanced, 0.9);
    expect(choice.sufficient).toBe(false);
    expect(choice.type.name).toBe("c5.4xlarge");
    expect(choice.probability).toBeGreaterThan(0);
    // A 4-vCPU type is far less likely, however cheap.
    expect(chooseType(real, { ...cpuBound, cpuCores: 40 }, balanced, 0.9).type.vcpus).toBe(16);
    // Nothing has a chance (the memory floor beats every type): the most memory.
    expect(chooseType(real, { ...cpuBound, memFloorGiB: 200 }, balanced, 0.9).type.name).toBe("r5.4xlarge");
  });
});
