import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requireBufferTriple } from "../../live/knobs/bounds.js";
import { refKey } from "../../live/knobs/knob-access.js";
import { inferWorkload, ioRules, schedulerFor } from "../../live/plan/io-rules.js";
import { bdpBytes, tcpRules } from "../../live/plan/tcp-rules.js";
import type { BlockDevice, DiskObservation, KnobRef, KnobValue, Topology } from "../../src/backend.js";

const SCHEDULERS = ["none", "mq-deadline", "kyber", "bfq"];
const device = (name: string, deviceClass: BlockDevice["deviceClass"], hardwareQueues = 1): BlockDevice => ({
  name,
  deviceClass,
  rotational: deviceClass === "hdd",
  hardwareQueues,
  sizeBytes: 1e12,
  schedulers: SCHEDULERS,
});
const topology = (devices: BlockDevice[]): Topology => ({
  hostname: "h",
  nodes: [],
  cpus: [],
  caches: [],
  devices,
  interfaces: [],
  workloads: [],
  memoryBytes: 1e10,
});
const values = (entries: [KnobRef, KnobValue][]) => {
  const map = new Map(entries.map(([ref, value]) => [refKey(ref), value]));
  return (ref: KnobRef) => map.get(refKey(ref));
};
const disk = (over: Partial<DiskObservation>): DiskObservation => ({
  device: "sda",
  readIops: 500,
  writeIops: 0,
  readBytesPerSec: 0,
  writeBytesPerSec: 0,
  averageRequestBytes: 4096,
  mergeRatio: 0,
  utilization: 0.5,
  averageQueueDepth: 1,
  readLatencyMs: 1,
  writeLatencyMs: 0,
  ...over,
});

describe("the live plan's built-in I/O rules", () => {
  it.each([
    [device("nvme0n1", "nvme", 8), false, "none"],
    [device("loop0", "loop"), false, "none"],
    [device("vda", "virtual", 4), false, "none"],
    [device("vda", "virtual", 1), false, "mq-deadline"],
    [device("sda", "ssd"), false, "mq-deadline"],
    [device("sdb", "hdd"), false, "mq-deadline"],
    [device("sdb", "hdd"), true, "bfq"],
    [device("nvme0n1", "nvme", 8), true, "none"],
  ])("%o with fairness %s → %s", (dev, fairness, expected) => {
    expect(schedulerFor(dev, fairness)?.scheduler).toBe(expected);
  });

  it("proposes only changes, with a reason, and never a legacy scheduler name", () => {
    const rules = ioRules({ workload: "auto", fairness: false });
    const changes = rules.recommend({
      topology: topology([device("nvme0n1", "nvme", 8), device("sda", "hdd")]),
      netns: "host",
      value: values([
        [{ knob: "io-scheduler", target: "nvme0n1" }, "mq-deadline"],
        [{ knob: "io-scheduler", target: "sda" }, "mq-deadline"],
      ]),
    });
    expect(changes.map((c) => [c.knob.target, c.to])).toEqual([["nvme0n1", "none"]]);
    expect(changes[0]?.reason).toMatch(/NVMe/);
    expect(changes[0]?.component).toBe("built-in io rules");
  });

  it("read-ahead follows the workload: raise to 4 MiB for sequential, lower to 128 KiB for random, only when needed", () => {
    const run = (workload: "random" | "sequential", current: number) =>
      ioRules({ workload, fairness: false })
        .recommend({
          topology: topology([device("sda", "ssd")]),
          netns: "host",
          value: values([[{ knob: "read-ahead-kb", target: "sda" }, current]]),
        })
        .map((c) => c.to);
    expect(run("sequential", 128)).toEqual([4096]);
    expect(run("sequential", 8192)).toEqual([]);
    expect(run("random", 4096)).toEqual([128]);
    expect(run("random", 64)).toEqual([]);
  });

  it("infers the pattern from the observed interval, and says nothing about an idle disk", () => {
    expect(inferWorkload(disk({ averageRequestBytes: 512 * 1024 }))).toBe("sequential");
    expect(inferWorkload(disk({ averageRequestBytes: 8192, mergeRatio: 0.7 }))).toBe("sequential");
    expect(inferWorkload(disk({ averageRequestBytes: 4096 }))).toBe("random");
    expect(inferWorkload(disk({ averageRequestBytes: 64 * 1024 }))).toBeUndefined();
    expect(inferWorkload(disk({ readIops: 2, averageRequestBytes: 4096 }))).toBeUndefined();
    expect(inferWorkload(undefined)).toBeUndefined();
  });
});

describe("the live plan's built-in TCP rules", () => {
  const host = (rmem: number[], wmem: number[], extra: [KnobRef, KnobValue][] = []) =>
    values([[{ knob: "tcp-rmem", target: "host" }, rmem], [{ knob: "tcp-wmem", target: "host" }, wmem], ...extra]);

  it("sizes buffer maxima at 2 × BDP from the configured path", () => {
    expect(bdpBytes(10_000, 50)).toBe(62_500_000);
    const changes = tcpRules({ bandwidthMbps: 10_000, rttMs: 50 }).recommend({
      topology: topology([]),
      netns: "host",
      value: host([4096, 131072, 6291456], [4096, 16384, 4194304]),
    });
    expect(changes.map((c) => [c.knob.knob, c.to])).toEqual([
      ["tcp-rmem", [4096, 131072, 125_000_000]],
      ["tcp-wmem", [4096, 16384, 125_000_000]],
    ]);
  });

  it("never lowers a max, and without a configured path leaves the buffers alone", () => {
    const value = host([4096, 131072, 33554432], [4096, 16384, 4194304]);
    expect(
      tcpRules({ bandwidthMbps: 100, rttMs: 1 }).recommend({ topology: topology([]), netns: "host", value }),
    ).toEqual([]);
    expect(tcpRules({}).recommend({ topology: topology([]), netns: "host", value })).toEqual([]);
  });

  it("turns SACK, timestamps and window scaling back on and raises a small somaxconn, in the given namespace", () => {
    const value = values([
      [{ knob: "tcp-sack", target: "ns1" }, 0],
      [{ knob: "tcp-timestamps", target: "ns1" }, 1],
      [{ knob: "somaxconn", target: "ns1" }, 128],
    ]);
    const changes = tcpRules({}).recommend({ topology: topology([]), netns: "ns1", value });
    expect(changes.map((c) => [c.knob.knob, c.knob.target, c.to])).toEqual([
      ["tcp-sack", "ns1", 1],
      ["somaxconn", "ns1", 4096],
    ]);
  });

  it("every proposed buffer triple passes the sanity bounds, whatever the path (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1e7, noNaN: true }),
        fc.double({ min: 0.001, max: 1e4, noNaN: true }),
        fc.integer({ min: 4096, max: 1 << 20 }),
        (bandwidthMbps, rttMs, def) => {
          const value = host([4096, def + 1, def + 2], [4096, def + 1, def + 2]);
          for (const c of tcpRules({ bandwidthMbps, rttMs }).recommend({
            topology: topology([]),
            netns: "host",
            value,
          })) {
            expect(() => requireBufferTriple(c.knob, c.to)).not.toThrow();
          }
        },
      ),
      { seed: 5 },
    );
  });
});
