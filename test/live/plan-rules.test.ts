import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requireBufferTriple } from "../../live/knobs/bounds.js";
import { ioTunerSource, networkTunerSource } from "../../live/plan/tuner-source.js";
import type { BlockDevice, DiskObservation, KnobRef, KnobValue, Observation, Topology } from "../../src/backend.js";
import { bdpBytes } from "../../src/tuners/network-tuner.js";
import { knobKey } from "../../src/tuners/tuner.js";

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
const values = (entries: [KnobRef, KnobValue][]) => new Map(entries.map(([ref, value]) => [knobKey(ref), value]));
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
const observing = (disks: DiskObservation[]): Observation => ({
  time: 1000,
  intervalMs: 1000,
  host: { cpuUtilization: 0.2, perCpuUtilization: [0.2], memoryUtilization: 0.5, memoryAvailableBytes: 1e9 },
  disks,
  network: [],
  tcp: [],
  workloads: [],
});
const schedulerOf = (dev: BlockDevice) => [{ knob: "io-scheduler", target: dev.name }, "kyber"] as [KnobRef, KnobValue];

describe("the live plan's I/O: the engine's I/O tuner", () => {
  it.each([
    [device("nvme0n1", "nvme", 8), false, "none"],
    [device("loop0", "loop"), false, "none"],
    [device("vda", "virtual", 4), false, "none"],
    [device("vda", "virtual", 1), false, "mq-deadline"],
    [device("sda", "ssd"), false, "mq-deadline"],
    [device("sdb", "hdd"), false, "mq-deadline"],
    [device("sdb", "hdd"), true, "bfq"],
    [device("sda", "ssd"), true, "bfq"],
    [device("nvme0n1", "nvme", 8), true, "none"],
    [device("loop0", "loop"), true, "none"],
  ])("%o with fairness %s → %s", (dev, fairness, expected) => {
    const changes = ioTunerSource({ fairness }).recommend({
      topology: topology([dev]),
      netns: "host",
      values: values([schedulerOf(dev)]),
    });
    expect(changes.find((c) => c.knob.knob === "io-scheduler")?.to).toBe(expected);
  });

  it("leaves an unknown device's scheduler alone, and says so", () => {
    const dev = device("xyz0", "unknown");
    const input = { topology: topology([dev]), netns: "host", values: values([schedulerOf(dev)]) };
    const source = ioTunerSource();
    expect(source.recommend(input)).toEqual([]);
    expect(source.explain?.(input)).toEqual([
      "xyz0 (unknown, 1 hw queue(s)): no scheduler rule for its class; too few reads in the window to judge: read-ahead left alone",
    ]);
  });

  it("proposes only changes, with a reason, and never a legacy scheduler name", () => {
    const changes = ioTunerSource().recommend({
      topology: topology([device("nvme0n1", "nvme", 8), device("sda", "hdd")]),
      netns: "host",
      values: values([
        [{ knob: "io-scheduler", target: "nvme0n1" }, "mq-deadline"],
        [{ knob: "io-scheduler", target: "sda" }, "mq-deadline"],
      ]),
    });
    expect(changes.map((c) => [c.knob.target, c.to])).toEqual([["nvme0n1", "none"]]);
    expect(changes[0]?.reason).toMatch(/NVMe/);
    expect(changes[0]?.component).toBe("io tuner");
    expect(changes[0]?.id).toBe("io tuner:io-scheduler@nvme0n1");
  });

  it("read-ahead follows the pattern as told: 4 MiB for sequential, the 128 KiB default for random, only when needed", () => {
    const run = (pattern: "random" | "sequential", current: number) =>
      ioTunerSource({ pattern })
        .recommend({
          topology: topology([device("sda", "ssd")]),
          netns: "host",
          values: values([[{ knob: "read-ahead-kb", target: "sda" }, current]]),
        })
        .map((c) => c.to);
    expect(run("sequential", 128)).toEqual([4096]);
    expect(run("sequential", 8192)).toEqual([]);
    expect(run("random", 4096)).toEqual([128]);
    expect(run("random", 64)).toEqual([]);
  });

  it("infers the pattern from the window's reads, and proposes nothing where the reads cannot tell", () => {
    const plan = (observed: DiskObservation[], readAheadKb = 128) =>
      ioTunerSource()
        .recommend({
          topology: topology([device("sda", "ssd")]),
          netns: "host",
          values: values([[{ knob: "read-ahead-kb", target: "sda" }, readAheadKb]]),
          observation: observing(observed),
        })
        .map((c) => [c.knob.knob, c.to]);
    // 500 reads/s of `kib` KiB.
    const reads = (kib: number, over: Partial<DiskObservation> = {}) =>
      disk({ readBytesPerSec: 500 * kib * 1024, ...over });
    expect(plan([reads(512)])).toEqual([["read-ahead-kb", 4096]]);
    expect(plan([reads(8, { mergeRatio: 0.7 })])).toEqual([["read-ahead-kb", 4096]]);
    expect(plan([reads(4)], 4096)).toEqual([["read-ahead-kb", 128]]);
    expect(plan([reads(4)])).toEqual([]);
    // A buffered stream read ahead 128 KiB at a time looks like read-around of random faults:
    // no judge on a live host, so no guess.
    expect(plan([reads(128)])).toEqual([]);
    // Under a 64 KiB window, 128 KiB reads are not read-around: a stream.
    expect(plan([reads(128)], 64)).toEqual([["read-ahead-kb", 4096]]);
    // Writes and a trickle of reads say nothing about read-ahead.
    expect(plan([disk({ readIops: 0, readBytesPerSec: 0, writeIops: 3 })], 4096)).toEqual([]);
    expect(plan([reads(4, { readIops: 5, readBytesPerSec: 5 * 4096 })], 4096)).toEqual([]);
    expect(plan([])).toEqual([]);
  });
});

describe("the live plan's network: the engine's network tuner", () => {
  const host = (rmem: number[], wmem: number[], extra: [KnobRef, KnobValue][] = []) =>
    values([[{ knob: "tcp-rmem", target: "host" }, rmem], [{ knob: "tcp-wmem", target: "host" }, wmem], ...extra]);
  const plan = (source: ReturnType<typeof networkTunerSource>, knobValues: Map<string, KnobValue>, over = {}) =>
    source.recommend({ topology: topology([]), netns: "host", values: knobValues, ...over });

  it("sizes buffer maxima from the given path: 2 × BDP rounded up to a power of two", () => {
    expect(bdpBytes(10_000, 50)).toBe(62_500_000);
    const changes = plan(
      networkTunerSource({ path: { bandwidthMbps: 10_000, rttMs: 50 } }),
      host([4096, 131072, 6291456], [4096, 16384, 4194304]),
    );
    expect(changes.map((c) => [c.knob.knob, c.to])).toEqual([
      ["tcp-rmem", [4096, 131072, 128 * 2 ** 20]],
      ["tcp-wmem", [4096, 16384, 128 * 2 ** 20]],
    ]);
    expect(changes[0]?.reason).toMatch(/^path given \(--bandwidth, --rtt\): 10000 Mb\/s x 50 ms = BDP 59\.6 MiB/);
  });

  it("never lowers a max, and without a given path leaves the buffers alone", () => {
    const hostValues = host([4096, 131072, 33554432], [4096, 16384, 4194304]);
    expect(plan(networkTunerSource({ path: { bandwidthMbps: 100, rttMs: 1 } }), hostValues)).toEqual([]);
    expect(plan(networkTunerSource(), hostValues)).toEqual([]);
  });

  it("switches a loss-based default to BBR only where the given loss would hold CUBIC under half the path", () => {
    const knobValues = (cc: string) =>
      host(
        [4096, 131072, 33554432],
        [4096, 16384, 33554432],
        [[{ knob: "tcp-congestion-control", target: "host" }, cc]],
      );
    const retransmitting = {
      observation: { ...observing([]), tcp: [{ netns: "host", retransmitRatio: 0.05, listenOverflowsPerSec: 0 }] },
    };
    const lossy = plan(
      networkTunerSource({ path: { bandwidthMbps: 1000, rttMs: 50, lossRate: 1e-4 } }),
      knobValues("cubic"),
    );
    expect(lossy.map((c) => [c.knob.knob, c.to])).toEqual([["tcp-congestion-control", "bbr"]]);
    expect(lossy[0]?.reason).toMatch(
      /0\.0100% random loss at 50 ms RTT limits CUBIC to about \d+ Mb\/s of its 1000 Mb\/s/,
    );
    // An algorithm someone chose is theirs.
    expect(
      plan(networkTunerSource({ path: { bandwidthMbps: 1000, rttMs: 50, lossRate: 1e-4 } }), knobValues("dctcp")),
    ).toEqual([]);
    // Host-wide retransmissions mix every connection and congestion losses: no loss given, no change.
    expect(
      plan(networkTunerSource({ path: { bandwidthMbps: 1000, rttMs: 50 } }), knobValues("cubic"), retransmitting),
    ).toEqual([]);
    expect(
      plan(networkTunerSource({ path: { bandwidthMbps: 1000, rttMs: 50, lossRate: 0 } }), knobValues("cubic")),
    ).toEqual([]);
  });

  it("says when the 256 MiB cap leaves a path short", () => {
    const changes = plan(
      networkTunerSource({ path: { bandwidthMbps: 100_000, rttMs: 100 } }),
      host([4096, 131072, 6291456], [4096, 16384, 4194304]),
    );
    expect(changes[0]?.to).toEqual([4096, 131072, 256 * 2 ** 20]);
    expect(changes[0]?.reason).toMatch(
      /raise it to 256 MiB; at the 256 MiB cap a flow still reaches only about 11% of the path$/,
    );
  });

  it("plans the namespace the plan is for, even when the source was made without one", () => {
    const nsValues = values([[{ knob: "somaxconn", target: "ns2" }, 128]]);
    const changes = networkTunerSource().recommend({ topology: topology([]), netns: "ns2", values: nsValues });
    expect(changes.map((c) => [c.knob.knob, c.knob.target, c.to])).toEqual([["somaxconn", "ns2", 4096]]);
  });

  it("turns SACK, timestamps and window scaling back on and raises a small somaxconn, in the given namespace", () => {
    const nsValues = values([
      [{ knob: "tcp-sack", target: "ns1" }, 0],
      [{ knob: "tcp-timestamps", target: "ns1" }, 1],
      [{ knob: "somaxconn", target: "ns1" }, 128],
      [{ knob: "nic-offloads", target: "eth0" }, { "generic-receive-offload": false }],
    ]);
    const withNic = { ...topology([]), interfaces: [{ name: "eth0", mtu: 1500 }] };
    const changes = networkTunerSource({ netns: "ns1" }).recommend({
      topology: withNic,
      netns: "ns1",
      values: nsValues,
    });
    // The NICs are the host's: a namespace's plan leaves them alone.
    expect(changes.map((c) => [c.knob.knob, c.knob.target, c.to])).toEqual([
      ["tcp-sack", "ns1", 1],
      ["somaxconn", "ns1", 4096],
    ]);
  });

  it("turns batching offloads on (not TSO without scatter-gather), and no ring change for drops a ring does not cure", () => {
    const withNic: Topology = {
      ...topology([]),
      interfaces: [
        { name: "eth0", mtu: 1500, maxRing: { rx: 4096, tx: 4096 } },
        { name: "eth1", mtu: 1500 },
      ],
    };
    const input = {
      topology: withNic,
      netns: "host",
      values: values([
        [
          { knob: "nic-rings", target: "eth0" },
          { rx: 256, tx: 256 },
        ],
        [{ knob: "nic-offloads", target: "eth0" }, { "generic-receive-offload": false }],
        [
          { knob: "nic-offloads", target: "eth1" },
          { "tcp-segmentation-offload": false, "scatter-gather": false, "generic-segmentation-offload": false },
        ],
      ]),
      observation: {
        ...observing([]),
        network: [{ interface: "eth0", rxBytesPerSec: 1e8, txBytesPerSec: 1e7, rxDropsPerSec: 50, txDropsPerSec: 0 }],
      },
    };
    const changes = networkTunerSource().recommend(input);
    expect(changes.map((c) => [c.knob.knob, c.knob.target, c.to])).toEqual([
      ["nic-offloads", "eth0", { "generic-receive-offload": true }],
      ["nic-offloads", "eth1", { "generic-segmentation-offload": true }],
    ]);
    expect(changes.every((c) => c.component === "network tuner" && c.reason.length > 20)).toBe(true);
    expect(networkTunerSource().explain?.(input)).not.toContainEqual(expect.stringMatching(/NIC rings/));
  });

  it("grows the rings of a NIC missing packets, to the driver's maximum, and says what a ring change costs", () => {
    const withNic: Topology = {
      ...topology([]),
      interfaces: [{ name: "eth0", mtu: 1500, maxRing: { rx: 2048, tx: 1024 } }],
    };
    const source = networkTunerSource();
    const input = {
      topology: withNic,
      netns: "host",
      values: values([
        [
          { knob: "nic-rings", target: "eth0" },
          { rx: 512, tx: 512 },
        ],
      ]),
      observation: {
        ...observing([]),
        network: [
          {
            interface: "eth0",
            rxBytesPerSec: 1e9,
            txBytesPerSec: 1e7,
            rxDropsPerSec: 300,
            txDropsPerSec: 0,
            rxMissedPerSec: 250,
          },
        ],
      },
    };
    const changes = source.recommend(input).filter((c) => c.knob.knob === "nic-rings");
    expect(changes.map((c) => [c.knob.target, c.to])).toEqual([["eth0", { rx: 2048, tx: 1024 }]]);
    expect(changes[0]?.reason).toMatch(/250 packets\/s missed on eth0 \(no free receive descriptor\)/);
    expect(source.explain?.(input)).toContainEqual(expect.stringMatching(/ethtool -G resets the link on many drivers/));
  });

  it("every proposed buffer triple passes the live sanity bounds, whatever the path (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1e7, noNaN: true }),
        fc.double({ min: 0.001, max: 1e4, noNaN: true }),
        fc.integer({ min: 4096, max: 512 * 2 ** 20 }),
        (bandwidthMbps, rttMs, def) => {
          const hostValues = host([4096, def + 1, def + 2], [4096, def + 1, def + 2]);
          for (const c of plan(networkTunerSource({ path: { bandwidthMbps, rttMs } }), hostValues)) {
            expect(() => requireBufferTriple(c.knob, c.to)).not.toThrow();
            // Never a max at or below the default, never a lower max.
            expect((c.to as number[])[2]).toBeGreaterThan(def + 2);
          }
        },
      ),
      { seed: 5 },
    );
  });
});
