import { describe, expect, it } from "vitest";
import { Simulation } from "../../sim/kernel.js";
import { RandomStreams } from "../../sim/rng.js";
import { BlockDevice, type IoRequest } from "../../sim/twin/block-device.js";
import { type DiskSpec, loadDeviceCatalog, type SchedulerName } from "../../src/catalog/device-catalog.js";

const hdd = loadDeviceCatalog().devices.find((d) => d.name === "hdd-7200") as DiskSpec;

/** A workload keeping `depth` 4 KiB random reads outstanding, at positions in [from, to) of the disk. */
interface Reader {
  depth: number;
  from?: number;
  to?: number;
}

/** Each reader's IOPS and longest wait (ms) over `seconds` on the 7,200 rpm disk. */
function readers(scheduler: SchedulerName, workloads: Reader[], seconds = 60): { iops: number[]; maxWaitMs: number[] } {
  const sim = new Simulation();
  const streams = new RandomStreams(`block-device/${scheduler}`);
  const disk = new BlockDevice(sim, "sdb", hdd, { scheduler, readAheadKb: 0 }, streams.stream("device"));
  const positions = streams.stream("positions");
  const done = workloads.map(() => 0);
  const maxWait = workloads.map(() => 0);
  workloads.forEach(({ depth, from = 0, to = 1 }, owner) => {
    const issue = (): void =>
      disk.submit({
        owner,
        bytes: 4096,
        write: false,
        position: from + positions.uniform() * (to - from),
        sequential: false,
        submittedNs: sim.now,
        done: (request: IoRequest) => {
          done[owner] = (done[owner] as number) + 1;
          maxWait[owner] = Math.max(maxWait[owner] as number, sim.now - request.submittedNs);
          issue();
        },
      });
    for (let i = 0; i < depth; i++) issue();
  });
  sim.run({ until: seconds * 1e9 });
  return { iops: done.map((n) => n / seconds), maxWaitMs: maxWait.map((ns) => ns / 1e6) };
}

// One request at a time: 1 / (mean seek 8.5 ms + mean rotation 30/7200 s + transfer), Ruemmler &
// Wilkes; 75-120 IOPS at 7,200 rpm (reference/des.md).
const QD1 = 1000 / (8.5 + 30_000 / 7200 + (4096 / (hdd.readMBps * 1e6)) * 1000);
// Reordering shortens seeks, never the rotation, which the twin draws at random: the ceiling.
const ROTATION_CEILING = 1000 / (30_000 / 7200);

describe("the twin's blk-mq schedulers on a rotating disk", () => {
  it("one read at a time gives the closed form whatever the scheduler", () => {
    expect(QD1).toBeGreaterThan(75);
    expect(QD1).toBeLessThan(120);
    for (const scheduler of ["none", "mq-deadline", "bfq", "kyber"] as const) {
      expect(readers(scheduler, [{ depth: 1 }]).iops[0]).toBeCloseTo(QD1, -0.5);
    }
  });

  it("32 outstanding: none (the drive's queue), mq-deadline and bfq reorder to shorter seeks; kyber throttles to one", () => {
    for (const scheduler of ["none", "mq-deadline", "bfq"] as const) {
      const iops = readers(scheduler, [{ depth: 32 }]).iops[0] as number;
      expect(iops, scheduler).toBeGreaterThan(1.5 * QD1);
      expect(iops, scheduler).toBeLessThan(ROTATION_CEILING);
    }
    // kyber's 2 ms read target (block/kyber-iosched.c) is missed by every disk read, so it
    // halves its depth to one: the disk sees a FIFO, as at queue depth one.
    expect((readers("kyber", [{ depth: 32 }]).iops[0] as number) / QD1).toBeCloseTo(1, 1);
  });

  it("mq-deadline serves a read at the far end within read_expire (500 ms) and a few services", () => {
    // 32 reads kept in the first 5% of the disk, one at the far end: sorting alone would serve the near ones forever.
    const { iops, maxWaitMs } = readers("mq-deadline", [
      { depth: 32, to: 0.05 },
      { depth: 1, from: 0.95 },
    ]);
    expect(iops[1]).toBeGreaterThan(1);
    const worstService = hdd.fullStrokeMs + 60_000 / 7200;
    expect(maxWaitMs[1]).toBeLessThanOrEqual(500 + 3 * worstService);
    // It did wait behind nearer requests: the queue is sorted, not first come first served.
    expect(maxWaitMs[1]).toBeGreaterThan(100);
  });

  it("bfq gives two queues equal shares whatever their depths, where none follows the depths", () => {
    // Equal weights, equal service (Documentation/block/bfq-iosched.rst).
    const fair = readers("bfq", [{ depth: 32 }, { depth: 4 }]).iops as [number, number];
    expect(fair[1] / (fair[0] + fair[1])).toBeCloseTo(0.5, 1);
    const unfair = readers("none", [{ depth: 32 }, { depth: 4 }]).iops as [number, number];
    expect(unfair[1] / (unfair[0] + unfair[1])).toBeLessThan(0.2);
  });

  it("bfq's FIFO deadline keeps a queue's far requests from starving behind its near ones", () => {
    // Each slice serves the queue's oldest first once it is 125 ms old; sector order alone left a
    // request waiting 51 s in this run.
    const { maxWaitMs } = readers("bfq", [
      { depth: 32, to: 0.05 },
      { depth: 1, from: 0.95 },
    ]);
    expect(Math.max(...maxWaitMs)).toBeLessThan(2000);
  });
});
