import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { Change } from "../../src/backend.js";
import { change, type Harness, harness } from "../helpers/live-harness.js";

let h: Harness;
afterEach(() => h?.cleanup());

describe("LiveBackend keeps the Backend contract (src/backend.ts) on a fixture host", () => {
  it("is kind 'live' and discovers the same Topology type as the twin", async () => {
    h = await harness();
    const backend = await h.open();
    expect(backend.kind).toBe("live");
    const topology = await backend.topology();
    expect(topology.nodes).toHaveLength(2);
    expect(topology.cpus).toHaveLength(8);
    expect(typeof backend.clock.now()).toBe("number");
  });

  it("knobs() lists what readKnob can read; apply reads back what the receipt says; revert restores previous", async () => {
    h = await harness();
    const backend = await h.open();
    const refs = await backend.knobs();
    expect(refs).toContainEqual({ knob: "io-scheduler", target: "nvme0n1" });
    expect(refs).toContainEqual({ knob: "iosched-tunable", target: "sda/read_expire" });
    for (const ref of refs) await expect(backend.readKnob(ref)).resolves.toBeDefined();
    const receipt = await backend.apply(change("iosched-tunable", "sda/read_expire", 250));
    expect(receipt).toMatchObject({ previous: 500, applied: 250, dryRun: false });
    expect(await backend.readKnob({ knob: "iosched-tunable", target: "sda/read_expire" })).toBe(250);
    await backend.revert(receipt);
    expect(await backend.readKnob({ knob: "iosched-tunable", target: "sda/read_expire" })).toBe(500);
    await backend.close();
  });

  it("a dry run changes nothing and reverting it is a no-op", async () => {
    h = await harness();
    const before = h.fs.snapshot();
    const backend = await h.open();
    const receipt = await backend.apply(change("io-scheduler", "nvme0n1", "kyber"), { dryRun: true });
    expect(receipt).toMatchObject({ previous: "none", applied: "kyber", dryRun: true });
    await backend.revert(receipt);
    expect(h.fs.snapshot()).toEqual(before);
    expect(h.journalText()).toBe("");
  });

  it("observe() gives rates over an interval of the injected clock", async () => {
    h = await harness("kvm-2cpu");
    const backend = await h.open();
    const first = await backend.observe();
    expect(first.intervalMs).toBe(1000);
    const second = await backend.observe();
    expect(second.intervalMs).toBe(0); // the step clock did not move: no time, no rates
    expect(second.disks.every((disk) => disk.readIops === 0)).toBe(true);
  });
});

/** Block and network changes the fake host accepts or refuses, mixed at random. */
const anyChange = fc.oneof(
  fc
    .record({
      device: fc.constantFrom("sda", "sdb", "nvme0n1"),
      to: fc.constantFrom("none", "mq-deadline", "bfq", "kyber"),
    })
    .map(({ device, to }) => change("io-scheduler", device, to)),
  fc
    .record({ device: fc.constantFrom("sda", "sdb", "nvme0n1"), to: fc.integer({ min: 1, max: 3000 }) })
    .map(({ device, to }) => change("nr-requests", device, to)),
  fc
    .record({ device: fc.constantFrom("sda", "sdb"), to: fc.integer({ min: 0, max: 9000 }) })
    .map(({ device, to }) => change("read-ahead-kb", device, to)),
  fc
    .record({
      device: fc.constantFrom("sda", "sdb"),
      name: fc.constantFrom("read_expire", "fifo_batch", "slice_idle", "low_latency"),
      to: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ device, name, to }) => change("iosched-tunable", `${device}/${name}`, to)),
);

describe("rollback leaves no trace (property)", () => {
  it("any sequence of batches, applied where valid, then reverted, leaves every file as it was", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(anyChange, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        async (batches: Change[][]) => {
          h = await harness();
          try {
            const before = h.fs.snapshot();
            for (const batch of batches) {
              const backend = await h.open();
              await backend.applyAll(batch).catch(() => undefined); // refused batches write nothing
              await backend.close();
            }
            const last = await h.open();
            const outcomes = await last.revertAll();
            await last.close("reverted");
            expect(outcomes.filter((o) => o.status === "failed")).toEqual([]);
            expect(h.fs.snapshot()).toEqual(before);
          } finally {
            h.cleanup();
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });
});
