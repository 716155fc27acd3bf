import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LocalHostFs } from "../../live/host-fs.js";
import { counterDelta } from "../../live/observe/counter-delta.js";
import { readHostSnapshot } from "../../live/observe/host-snapshot.js";
import { observationBetween } from "../../live/observe/observation.js";
import { FIXTURES } from "../helpers/fixture-runner.js";

/** Two snapshots of the test VM one second apart, with a 300 MB direct read of vda in between. */
async function pair() {
  const before = await readHostSnapshot(await LocalHostFs.open(join(FIXTURES, "kvm-2cpu")), 10_000, [10828]);
  const after = await readHostSnapshot(await LocalHostFs.open(join(FIXTURES, "kvm-2cpu-t1")), 11_000);
  return { before, after };
}

describe("observations are counter deltas over the interval", () => {
  it("disk rates from /proc/diskstats deltas (512-byte sectors)", async () => {
    const { before, after } = await pair();
    const observation = observationBetween(before, after, { disks: ["vda"] });
    expect(observation.intervalMs).toBe(1000);
    expect(observation.time).toBe(11_000);
    const vda = observation.disks[0];
    // vda: reads 53106 → 54323, sectors read 2565778 → 2600074, read ms 13995 → 14601, io ms 9604 → 9676.
    expect(vda?.readIops).toBe(54323 - 53106);
    expect(vda?.readBytesPerSec).toBe((2600074 - 2565778) * 512);
    expect(vda?.readLatencyMs).toBeCloseTo((14601 - 13995) / (54323 - 53106), 10);
    expect(vda?.utilization).toBeCloseTo((9676 - 9604) / 1000, 10);
    expect(vda?.averageRequestBytes).toBeCloseTo(
      ((2600074 - 2565778 + 4560320 - 4560304) * 512) / (54323 - 53106 + 2),
      6,
    );
    expect(observation.disks.map((disk) => disk.device)).toEqual(["vda"]);
  });

  it("CPU utilization is 1 − Δ(idle + iowait) / Δtotal of /proc/stat", async () => {
    const { before, after } = await pair();
    const host = observationBetween(before, after, { disks: [] }).host;
    const busy = 54528 - 53855 + (15986 - 15334) + (778 - 775);
    const total = busy + (244209 - 243817) + (556 - 554);
    expect(host.cpuUtilization).toBeCloseTo(busy / total, 10);
    expect(host.perCpuUtilization).toHaveLength(2);
    expect(host.pressure).toBeDefined();
    expect(host.numaRemoteRatio).toBe(0);
    expect(host.memoryAvailableBytes).toBe(after.meminfo.get("MemAvailable"));
  });

  it("a process gone by the second snapshot is not reported; the same snapshot twice gives zero rates", async () => {
    const { before, after } = await pair();
    expect(observationBetween(before, after, { disks: [] }).workloads).toEqual([]);
    const same = observationBetween(before, { ...before, timeMs: 11_000 }, { disks: ["vda"] });
    expect(same.workloads).toEqual([
      {
        id: "pid:10828",
        cpuUtilization: 0,
        memoryBytes: 1984 * 1024,
        memoryUtilization: (1984 * 1024) / (before.meminfo.get("MemTotal") as number),
        cpuWaitRatio: 0,
      },
    ]);
    expect(same.disks[0]?.readIops).toBe(0);
    expect(same.host.contextSwitchesPerSec).toBe(0);
  });

  it("counter deltas: growth, a 32-bit wrap, a reset (property)", () => {
    fc.assert(
      fc.property(fc.nat(2 ** 32 - 1), fc.nat(2 ** 31), (start, step) => {
        const wrapped = (start + step) % 2 ** 32;
        expect(counterDelta(start, wrapped)).toBe(step);
      }),
      { seed: 3 },
    );
    expect(counterDelta(2 ** 40, 5)).toBe(5); // a 64-bit counter going down was reset
  });
});
