import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateFleetFiles } from "../../sim/fleet/fleet-files.js";
import { vmTruth } from "../../sim/fleet/fleet-truth.js";
import { DEFAULT_START, FleetWorkload } from "../../sim/fleet/fleet-workload.js";
import { observe } from "../../sim/fleet/observed-trace.js";
import { SHAPES } from "../../sim/fleet/shapes.js";
import { loadCatalog } from "../../src/catalog/catalog-loader.js";
import { maxOf, quantile } from "../../src/metrics/quantile.js";

const catalog = loadCatalog();
const DAY_STEPS = 288;

describe("FleetWorkload (the twin's fleet generator)", () => {
  it("gives VM i the same demand whatever the fleet's size or the order it is asked in", () => {
    const small = new FleetWorkload({ seed: 5, vms: 10, catalog });
    const large = new FleetWorkload({ seed: 5, vms: 500, catalog });
    large.series(400, 0, 100); // touching another VM first changes nothing
    expect(large.spec(7)).toEqual(small.spec(7));
    expect(large.series(7, 0, 3 * DAY_STEPS)).toEqual(small.series(7, 0, 3 * DAY_STEPS));
    const other = new FleetWorkload({ seed: 6, vms: 10, catalog });
    expect(other.series(7, 0, DAY_STEPS).cpuCores).not.toEqual(small.series(7, 0, DAY_STEPS).cpuCores);
  });

  it("answers demandAt in any order, consistent with series, and after forget", () => {
    const fleet = new FleetWorkload({ seed: 1, vms: 3, catalog });
    const late = fleet.demandAt(2, DEFAULT_START + 5 * 86_400 + 7);
    const series = fleet.series(2, 0, 6 * DAY_STEPS);
    expect(late.cpuCores).toBe(series.cpuCores[5 * DAY_STEPS]);
    fleet.forget(2);
    expect(fleet.demandAt(2, DEFAULT_START + 5 * 86_400 + 7)).toEqual(late);
    expect(() => fleet.spec(3)).toThrow(RangeError);
  });

  it("mixes every shape, oversizes most VMs and makes the shapes behave as named", () => {
    const fleet = new FleetWorkload({ seed: 9, vms: 700, catalog });
    const shapes = new Map<string, number>();
    for (let i = 0; i < 700; i++) shapes.set(fleet.spec(i).shape, (shapes.get(fleet.spec(i).shape) ?? 0) + 1);
    for (const shape of SHAPES) expect(shapes.get(shape), shape).toBeGreaterThan(30);
    const find = (shape: string) => {
      for (let i = 0; i < 700; i++) if (fleet.spec(i).shape === shape) return i;
      throw new Error(shape);
    };
    const week = (i: number) => fleet.series(i, 0, 14 * DAY_STEPS);
    const growing = week(find("growing")).cpuCores;
    const mean = (a: Float32Array, from: number, to: number) =>
      a.slice(from, to).reduce((s, v) => s + v, 0) / (to - from);
    expect(mean(growing, 7 * DAY_STEPS, 14 * DAY_STEPS)).toBeGreaterThan(mean(growing, 0, 7 * DAY_STEPS) * 1.05);
    const weekly = week(find("weekly")).cpuCores; // 2026-01-05 is a Monday: days 5 and 6 are the weekend
    expect(mean(weekly, 5 * DAY_STEPS, 7 * DAY_STEPS)).toBeLessThan(mean(weekly, 0, 5 * DAY_STEPS) * 0.7);
    const idle = find("idle");
    expect(quantile(week(idle).cpuCores, 0.95)).toBeLessThan(0.02 * fleet.spec(idle).type.vcpus);
  });

  it("censors the trace as monitoring would: utilisation capped at 100%, OOM flagged", () => {
    const fleet = new FleetWorkload({ seed: 1, vms: 1, catalog });
    const demand = {
      cpuCores: Float32Array.of(1, 3),
      memGiB: Float32Array.of(2, 9),
      iops: Float32Array.of(0, 0),
      netMbps: Float32Array.of(0, 0),
    };
    const type = catalog.get("m5.large");
    if (type === undefined || fleet.size !== 1) throw new Error("catalog");
    const observed = observe(demand, type);
    expect(Array.from(observed.cpu)).toEqual([0.5, 1]);
    expect(Array.from(observed.mem)).toEqual([0.25, 1]);
    expect(Array.from(observed.oom)).toEqual([0, 1]);
  });

  it("computes the truth from the future it hides: P95 CPU and peak memory of the horizon", () => {
    const fleet = new FleetWorkload({ seed: 3, vms: 20, catalog });
    for (let i = 0; i < 20; i++) {
      const truth = vmTruth(fleet, i, 14, 7);
      const future = fleet.series(i, 14 * DAY_STEPS, 7 * DAY_STEPS);
      expect(truth.p95CpuCores).toBeCloseTo(quantile(future.cpuCores, 0.95), 6);
      expect(truth.peakMemGiB).toBe(maxOf(future.memGiB));
      const type = truth.type === null ? undefined : catalog.get(truth.type);
      if (type !== undefined) {
        expect(truth.p95CpuCores).toBeLessThanOrEqual(type.vcpus * 0.8);
        expect(truth.peakMemGiB).toBeLessThanOrEqual(type.memoryGiB * 0.85);
        // and no cheaper type would do
        for (const cheaper of catalog.types.filter((t) => t.hourlyUsd < type.hourlyUsd))
          expect(truth.p95CpuCores > cheaper.vcpus * 0.8 || truth.peakMemGiB > cheaper.memoryGiB * 0.85).toBe(true);
      }
    }
  });

  it("writes trace.csv and truth.json, leaving no temporary file, the same for the same seed", async () => {
    const write = async () => {
      const dir = mkdtempSync(join(tmpdir(), "fleet-"));
      await generateFleetFiles({
        fleet: new FleetWorkload({ seed: 4, vms: 5, catalog }),
        seed: 4,
        traceDays: 2,
        horizonDays: 1,
        outDir: dir,
      });
      return dir;
    };
    const [a, b] = [await write(), await write()];
    expect(readdirSync(a).sort()).toEqual(["trace.csv", "truth.json"]);
    const trace = readFileSync(join(a, "trace.csv"), "utf8");
    expect(trace).toBe(readFileSync(join(b, "trace.csv"), "utf8"));
    const lines = trace.trimEnd().split("\n");
    expect(lines[0]).toBe("timestamp,vm,instance_type,cpu,mem,iops,net_mbps,oom,tags");
    expect(lines).toHaveLength(1 + 5 * 2 * DAY_STEPS);
    const truth = JSON.parse(readFileSync(join(a, "truth.json"), "utf8"));
    expect(truth).toMatchObject({ seed: 4, vms: 5, traceDays: 2, horizonDays: 1, policy: "balanced" });
    expect(truth.truth).toHaveLength(5);
    expect(existsSync(join(a, ".trace.csv.tmp"))).toBe(false);
  });
});
