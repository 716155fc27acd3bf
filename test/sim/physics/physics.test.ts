import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cacheShare, llcMissRatio, llcShareBytes } from "../../../sim/physics/cache-miss.js";
import { diskServiceMs, seekMs } from "../../../sim/physics/disk-service.js";
import { maxMinRates } from "../../../sim/physics/max-min.js";
import { memoryLatencyNs, remoteShare } from "../../../sim/physics/memory-latency.js";
import { RandomStreams } from "../../../sim/rng.js";
import { LlcConfinement } from "../../../sim/twin/llc-confinement.js";
import { type DiskSpec, loadDeviceCatalog } from "../../../src/catalog/device-catalog.js";
import {
  bbrBps,
  cubicBps,
  type FlowLimits,
  flowThroughputBps,
  renoBps,
  transferSeconds,
} from "../../../src/math/tcp-throughput.js";

describe("cache misses", () => {
  it("follow the √2 rule above the working set and are compulsory below it", () => {
    const db = { workingSetBytes: 64 << 20, compulsoryMissRatio: 0.02 };
    expect(llcMissRatio(db, 128 << 20)).toBe(0.02);
    expect(llcMissRatio(db, 16 << 20)).toBeCloseTo(0.04, 12);
    // Doubling the cache cuts misses by 1 - 1/√2 ≈ 29%.
    expect(llcMissRatio(db, 8 << 20) / llcMissRatio(db, 4 << 20)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(llcMissRatio(db, 0)).toBe(1);
    expect(cacheShare(30, 1, 3)).toBe(10);
  });

  it("a larger cache never raises misses (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e3, max: 1e10, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0.3, max: 0.7, noNaN: true }),
        fc.double({ min: 0, max: 1e10, noNaN: true }),
        fc.double({ min: 0, max: 1e10, noNaN: true }),
        (ws, compulsory, alpha, a, b) => {
          const behaviour = { workingSetBytes: ws, compulsoryMissRatio: compulsory, alpha };
          const [small, large] = a < b ? [a, b] : [b, a];
          expect(llcMissRatio(behaviour, large)).toBeLessThanOrEqual(llcMissRatio(behaviour, small) + 1e-12);
        },
      ),
    );
  });
});

describe("cache allocation (CAT)", () => {
  // A 10 MiB, 20-way L3; a streaming VM (weight 1) next to a web VM (weight 3).
  const cache = { cacheBytes: 10, ways: 20, totalWeight: 4 };

  it("without confinement is weight-proportional sharing", () => {
    const open = { ...cache, confinedWeight: 0, confinedWays: 0 };
    expect(llcShareBytes(open, 3)).toBe(cacheShare(10, 3, 4));
    expect(llcShareBytes({ ...open, ways: 0 }, 1, 1)).toBe(cacheShare(10, 1, 4));
  });

  it("confines a VM to its ways and gives the rest to the others", () => {
    const confined = { ...cache, confinedWeight: 1, confinedWays: 2 };
    // The stream would take 1/4 of the cache (2.5); two of twenty ways hold 1.
    expect(llcShareBytes(confined, 1, 2)).toBeCloseTo(1, 12);
    expect(llcShareBytes(confined, 3)).toBeCloseTo(9, 12);
    // Ways the stream would not fill anyway change nothing: 10 of 20 ways hold more than its 2.5.
    const loose = { ...confined, confinedWays: 10 };
    expect(llcShareBytes(loose, 1, 10)).toBeCloseTo(2.5, 12);
    expect(llcShareBytes(loose, 3)).toBeCloseTo(7.5, 12);
  });

  it("never hands out more than the cache, and confining someone never shrinks the others (property)", () => {
    // Found by review: two VMs confined to the same low way were each given that way.
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 19 }),
        fc.integer({ min: 1, max: 19 }),
        (aWeight, bWeight, otherWeight, aWays, bWays) => {
          const total = aWeight + bWeight + otherWeight;
          const occupancy = {
            cacheBytes: 10,
            ways: 20,
            totalWeight: total,
            confinedWeight: aWeight + bWeight,
            confinedWays: Math.max(aWays, bWays),
          };
          const a = llcShareBytes(occupancy, aWeight, aWays);
          const b = llcShareBytes(occupancy, bWeight, bWays);
          const other = llcShareBytes(occupancy, otherWeight);
          expect(a + b + other).toBeLessThanOrEqual(10 + 1e-9);
          expect(a).toBeLessThanOrEqual((10 * aWays) / 20 + 1e-9);
          expect(other).toBeGreaterThanOrEqual(cacheShare(10, otherWeight, total) - 1e-9);
        },
      ),
    );
  });
});

describe("LLC confinement bookkeeping", () => {
  it("covers the largest mask among the confined requests running, and forgets them when they leave", () => {
    const llcs = new LlcConfinement(2, 20);
    llcs.add(0, 1.5, 1);
    llcs.add(0, 2, 4);
    llcs.add(1, 3, 10);
    expect([llcs.waysOn(0), llcs.waysOn(1)]).toEqual([4, 10]);
    expect(llcs.weightOn(0)).toBeCloseTo(3.5, 12);
    llcs.remove(0, 2, 4);
    expect(llcs.waysOn(0)).toBe(1);
    llcs.remove(0, 1.5, 1);
    expect([llcs.waysOn(0), llcs.weightOn(0)]).toEqual([0, 0]);
    expect(llcs.waysOn(1)).toBe(10);
  });
});

describe("NUMA memory latency", () => {
  const latency = [
    [90, 190],
    [190, 90],
  ];
  it("is the page-weighted row of the measured matrix", () => {
    expect(memoryLatencyNs(latency, 0, [1, 0])).toBe(90);
    expect(memoryLatencyNs(latency, 0, [0.5, 0.5])).toBe(140);
    expect(remoteShare(1, [0.25, 0.75])).toBe(0.25);
    expect(memoryLatencyNs(latency, 0, [1, 0], [0.5])).toBeCloseTo(90 * 1.5, 9);
  });

  it("more remote memory never lowers latency (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [less, more] = a < b ? [a, b] : [b, a];
        expect(memoryLatencyNs(latency, 0, [1 - more, more])).toBeGreaterThanOrEqual(
          memoryLatencyNs(latency, 0, [1 - less, less]) - 1e-9,
        );
      }),
    );
  });
});

describe("TCP throughput", () => {
  it("Mathis: MSS 1460 B, RTT 100 ms, 1% loss gives about 1.43 Mb/s for Reno", () => {
    expect(renoBps(0.1, 0.01) / 1e6).toBeCloseTo(1.43, 2);
  });

  it("BBR stays near the link at 1% loss where CUBIC collapses (100 ms path)", () => {
    expect(bbrBps(10e9, 0.01) / cubicBps(0.1, 0.01)).toBeGreaterThan(2000);
    expect(bbrBps(10e9, 0.3)).toBe(0);
  });

  const base: FlowLimits = {
    shareBps: 1e9,
    rttSeconds: 0.05,
    lossRate: 1e-5,
    congestionControl: "cubic",
    receiveBufferBytes: 6 * 1024 * 1024,
    sendBufferBytes: 4 * 1024 * 1024,
    windowScaling: true,
    sack: true,
  };

  it("a default 6 MiB receive buffer caps one flow at about 0.5 Gb/s on a 50 ms path", () => {
    expect(flowThroughputBps({ ...base, lossRate: 0, congestionControl: "bbr" }) / 1e9).toBeCloseTo(0.503, 2);
    expect(flowThroughputBps({ ...base, windowScaling: false, lossRate: 0 })).toBeCloseTo((65535 * 8) / 0.05, 0);
  });

  const limits = fc.record({
    shareBps: fc.double({ min: 1e5, max: 1e11, noNaN: true }),
    rttSeconds: fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
    lossRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    congestionControl: fc.constantFrom("reno" as const, "cubic" as const, "bbr" as const),
    receiveBufferBytes: fc.double({ min: 4096, max: 2 ** 30, noNaN: true }),
    sendBufferBytes: fc.double({ min: 4096, max: 2 ** 30, noNaN: true }),
    windowScaling: fc.boolean(),
    sack: fc.boolean(),
  });

  it("never exceeds the link share nor the receive window per RTT (property)", () => {
    fc.assert(
      fc.property(limits, (l) => {
        const rate = flowThroughputBps(l);
        expect(rate).toBeLessThanOrEqual(l.shareBps * (1 + 1e-12));
        expect(rate).toBeLessThanOrEqual(((l.receiveBufferBytes * 8) / l.rttSeconds) * (1 + 1e-12));
      }),
    );
  });

  it("more bandwidth or a larger receive window never lowers throughput (property)", () => {
    fc.assert(
      fc.property(limits, fc.double({ min: 1, max: 100, noNaN: true }), (l, factor) => {
        const rate = flowThroughputBps(l);
        expect(flowThroughputBps({ ...l, shareBps: l.shareBps * factor })).toBeGreaterThanOrEqual(rate * (1 - 1e-12));
        expect(flowThroughputBps({ ...l, receiveBufferBytes: l.receiveBufferBytes * factor })).toBeGreaterThanOrEqual(
          rate * (1 - 1e-12),
        );
      }),
    );
  });

  it("slow start adds round trips to a cold transfer but not to a warm one", () => {
    const cold = transferSeconds(1 << 20, 1e9, 0.05, false);
    const warm = transferSeconds(1 << 20, 1e9, 0.05, true);
    expect(warm).toBeCloseTo(0.05 + (8 * (1 << 20)) / 1e9, 9);
    expect(cold).toBeGreaterThan(warm + 0.1);
  });
});

describe("max-min fair sharing", () => {
  it("splits a link equally, gives capped flows their cap and the rest to others", () => {
    expect(
      maxMinRates(
        [10],
        [
          { links: [0], cap: Infinity },
          { links: [0], cap: Infinity },
        ],
      ),
    ).toEqual([5, 5]);
    expect(
      maxMinRates(
        [10],
        [
          { links: [0], cap: 2 },
          { links: [0], cap: Infinity },
        ],
      ),
    ).toEqual([2, 8]);
    // The classic parking lot: a long flow over two links, one short flow on each.
    const rates = maxMinRates(
      [10, 10],
      [
        { links: [0, 1], cap: Infinity },
        { links: [0], cap: Infinity },
        { links: [1], cap: Infinity },
      ],
    );
    expect(rates).toEqual([5, 5, 5]);
  });

  it("never overloads a link, respects caps, and leaves each flow capped or on a saturated link (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 100, noNaN: true }), { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.record({
            links: fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 3 }),
            cap: fc.double({ min: 0.1, max: 200, noNaN: true }),
          }),
          { maxLength: 8 },
        ),
        (capacities, raw) => {
          const flows = raw
            .map((f) => ({ ...f, links: f.links.filter((l) => l < capacities.length) }))
            .filter((f) => f.links.length > 0);
          const rates = maxMinRates(capacities, flows);
          capacities.forEach((capacity, link) => {
            const load = flows.reduce((sum, f, i) => sum + (f.links.includes(link) ? (rates[i] as number) : 0), 0);
            expect(load).toBeLessThanOrEqual(capacity * (1 + 1e-9));
          });
          flows.forEach((f, i) => {
            const rate = rates[i] as number;
            expect(rate).toBeLessThanOrEqual(f.cap * (1 + 1e-9));
            const bottlenecked = f.links.some((link) => {
              const load = flows.reduce((sum, g, j) => sum + (g.links.includes(link) ? (rates[j] as number) : 0), 0);
              return load >= (capacities[link] as number) * (1 - 1e-6);
            });
            expect(rate >= f.cap * (1 - 1e-6) || bottlenecked).toBe(true);
          });
        },
      ),
    );
  });
});

describe("disk service", () => {
  const catalog = loadDeviceCatalog();
  const hdd = catalog.devices.find((d) => d.name === "hdd-7200") as DiskSpec;

  it("the seek curve meets its end points and its mean over random pairs is the catalog's average", () => {
    expect(seekMs(hdd, 1)).toBeCloseTo(hdd.fullStrokeMs, 9);
    expect(seekMs(hdd, 1e-9)).toBeCloseTo(hdd.trackToTrackMs, 3);
    const stream = new RandomStreams(1).stream("seek");
    let total = 0;
    for (let i = 0; i < 200_000; i++) total += seekMs(hdd, Math.abs(stream.uniform() - stream.uniform()));
    expect(total / 200_000).toBeCloseTo(hdd.averageSeekMs, 1);
  });

  it("a sequential continuation costs only the transfer", () => {
    const stream = new RandomStreams(1).stream("disk");
    expect(diskServiceMs(hdd, 0.5, 0.5, 1 << 20, false, stream)).toBeCloseTo((1 << 20) / 200e3, 9);
  });
});
