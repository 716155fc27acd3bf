import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fluidIoMs, fluidTransferMs, meanDeviceServiceMs } from "../../sim/fluid/fluid-io.js";
import { fluidVm } from "../../sim/fluid/fluid-vm.js";
import { type DiskSpec, loadDeviceCatalog } from "../../src/catalog/device-catalog.js";

const catalog = loadDeviceCatalog();
const state = {
  request: {
    cpuMs: 1,
    cpuCv: 0.5,
    memoryAccesses: 10_000,
    memoryParallelism: 2,
    workingSetMiB: 32,
    compulsoryMissRatio: 0.05,
  },
  vcpus: 4,
  conditions: { speed: 1, sharing: 1, cacheShareBytes: 8 << 20, memoryLatencyNs: 90, refillBytes: 0, ioCpuMs: 0 },
  afterCpuMs: 0.5,
};

describe("the fluid mode", () => {
  it("more load never lowers a VM's latency, until it saturates (property)", () => {
    const capacity = (4 * 1000) / fluidVm(state, 0).serviceMs;
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (a, b) => {
          const [low, high] = a < b ? [a, b] : [b, a];
          expect(fluidVm(state, high * capacity).meanLatencyMs).toBeGreaterThanOrEqual(
            fluidVm(state, low * capacity).meanLatencyMs - 1e-12,
          );
        },
      ),
    );
    expect(fluidVm(state, capacity * 1.01).meanLatencyMs).toBe(Number.POSITIVE_INFINITY);
  });

  it("device latency grows with IOPS and a 7,200 rpm disk serves about 79 random IOPS", () => {
    const hdd = catalog.devices.find((d) => d.name === "hdd-7200") as DiskSpec;
    expect(1000 / meanDeviceServiceMs(hdd, 4096, false)).toBeCloseTo(78.8, 0);
    expect(fluidIoMs(hdd, 4096, false, 60)).toBeGreaterThan(fluidIoMs(hdd, 4096, false, 30));
    expect(fluidIoMs(hdd, 4096, false, 100)).toBe(Number.POSITIVE_INFINITY);
    const volume = catalog.devices.find((d) => d.name === "cloud-volume");
    if (volume === undefined) throw new Error("cloud-volume missing");
    expect(fluidIoMs(volume, 4096, false, 3001)).toBe(Number.POSITIVE_INFINITY);
  });

  it("a transfer takes at least one round trip and its bytes at the flow's rate", () => {
    const limits = {
      shareBps: 1e9,
      rttSeconds: 0.05,
      lossRate: 0,
      congestionControl: "bbr" as const,
      receiveBufferBytes: 64 << 20,
      sendBufferBytes: 64 << 20,
      windowScaling: true,
      sack: true,
    };
    expect(fluidTransferMs(limits, 1_000_000, true)).toBeCloseTo(50 + 8, 6);
  });
});
