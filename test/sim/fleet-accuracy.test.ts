import { describe, expect, it } from "vitest";
import { feedVm } from "../../sim/fleet/feed.js";
import { vmTruth } from "../../sim/fleet/fleet-truth.js";
import { FleetWorkload } from "../../sim/fleet/fleet-workload.js";
import { loadCatalog } from "../../src/catalog/catalog-loader.js";
import { BASELINES, typeForRequest } from "../../src/tuners/rightsize/baselines/index.js";
import { policy } from "../../src/tuners/rightsize/policy.js";
import { RightSizer } from "../../src/tuners/rightsize/right-sizer.js";
import {
  type CompareRow,
  type Pick,
  scoreAgainstTruth,
  type TruthRecord,
} from "../../src/tuners/rightsize/truth-compare.js";

const catalog = loadCatalog();

/** Our engine and the baselines on one twin-generated fleet: 14 days observed, the next 7 judged. */
function compare(seed: number, vms: number): CompareRow[] {
  const fleet = new FleetWorkload({ seed, vms, catalog });
  const sizer = new RightSizer(catalog);
  const truth: TruthRecord[] = [];
  for (let i = 0; i < vms; i++) {
    feedVm(fleet, i, 14, sizer);
    truth.push(vmTruth(fleet, i, 14, 7));
    fleet.forget(i);
  }
  const ours = new Map<string, Pick>(
    sizer.recommend().map((rec) => [rec.vm, { type: rec.to, terminate: rec.action === "terminate" }]),
  );
  const rows = [scoreAgainstTruth("twintune", ours, truth, catalog, policy("balanced"))];
  for (const baseline of BASELINES) {
    const picks = new Map<string, Pick>();
    for (const vm of sizer.vms) {
      const history = sizer.history(vm);
      if (history !== undefined)
        picks.set(vm, {
          type: typeForRequest(catalog, baseline.request(history, 14 * 86_400), history.type).name,
          terminate: false,
        });
    }
    rows.push(scoreAgainstTruth(baseline.name, picks, truth, catalog, policy("balanced")));
  }
  return rows;
}

describe("right-sizing on twin-generated fleets (1,000 VMs, mixed shapes)", () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: accuracy ≥ 95%, under-provisioning ≤ 1%, better than VPA, KRR and Compute Optimizer on both`, () => {
      const [ours, ...baselines] = compare(seed, 1000) as [CompareRow, ...CompareRow[]];
      expect(ours.vms).toBe(1000);
      expect(ours.accuracy).toBeGreaterThanOrEqual(0.95);
      expect(ours.underProvisioned).toBeLessThanOrEqual(0.01);
      expect(baselines.map((row) => row.method)).toEqual(["VPA", "KRR simple", "AWS Compute Optimizer"]);
      for (const baseline of baselines) {
        expect(ours.accuracy, baseline.method).toBeGreaterThan(baseline.accuracy);
        expect(ours.underProvisioned, baseline.method).toBeLessThan(baseline.underProvisioned);
      }
    }, 120_000);
  }
});
