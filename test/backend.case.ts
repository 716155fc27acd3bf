// The Backend conformance suite: the behaviour every backend (the twin, a live host) must show
// through the seam in src/backend.ts. Each backend's test file calls backendConformance().
import { describe, expect, it } from "vitest";
import {
  type Backend,
  type KnobRef,
  KnobUnavailableError,
  type KnobValue,
  KnobValueError,
  sameKnobValue,
} from "../src/backend.js";

export interface ConformanceOptions {
  /** A fresh backend for each test. */
  make: () => Promise<Backend>;
  /**
   * A knob this environment may change, with a valid new value and an invalid one; undefined
   * skips the write tests (say why in `writeSkipReason`).
   */
  writable?: (backend: Backend) => Promise<{ ref: KnobRef; to: KnobValue; invalid: KnobValue } | undefined>;
  writeSkipReason?: string;
  /** Milliseconds to let pass between observations. */
  observeAfterMs: number;
}

export function backendConformance(name: string, options: ConformanceOptions): void {
  describe(`Backend conformance: ${name}`, () => {
    it("describes a consistent topology", async () => {
      const backend = await options.make();
      const topology = await backend.topology();
      expect(topology.nodes.length).toBeGreaterThan(0);
      expect(topology.cpus.length).toBeGreaterThan(0);
      const cpuIds = new Set(topology.cpus.map((cpu) => cpu.id));
      const nodeIds = new Set(topology.nodes.map((node) => node.id));
      for (const cpu of topology.cpus) {
        expect(nodeIds.has(cpu.node)).toBe(true);
        expect(cpu.siblings).toContain(cpu.id);
        for (const sibling of cpu.siblings) expect(cpuIds.has(sibling)).toBe(true);
      }
      for (const node of topology.nodes) {
        expect(node.distances).toHaveLength(topology.nodes.length);
        expect(node.distances[topology.nodes.indexOf(node)]).toBe(10);
        for (const cpu of node.cpus) expect(cpuIds.has(cpu)).toBe(true);
      }
      for (const cache of topology.caches) for (const cpu of cache.sharedCpus) expect(cpuIds.has(cpu)).toBe(true);
      expect(new Set(topology.workloads.map((w) => w.id)).size).toBe(topology.workloads.length);
      expect(topology.memoryBytes).toBeGreaterThan(0);
    });

    it("observes rates over the interval since the previous observation", async () => {
      const backend = await options.make();
      await backend.observe();
      const before = backend.clock.now();
      await backend.clock.sleep(options.observeAfterMs);
      expect(backend.clock.now()).toBeGreaterThanOrEqual(before + options.observeAfterMs);
      const observation = await backend.observe();
      const topology = await backend.topology();
      expect(observation.intervalMs).toBeGreaterThan(0);
      expect(observation.host.cpuUtilization).toBeGreaterThanOrEqual(0);
      expect(observation.host.cpuUtilization).toBeLessThanOrEqual(1 + 1e-9);
      expect(observation.host.perCpuUtilization).toHaveLength(topology.cpus.length);
      const devices = new Set(topology.devices.map((device) => device.name));
      for (const disk of observation.disks) {
        expect(devices.has(disk.device)).toBe(true);
        expect(disk.readIops).toBeGreaterThanOrEqual(0);
        expect(disk.utilization).toBeLessThanOrEqual(1 + 1e-9);
      }
      const workloads = new Set(topology.workloads.map((workload) => workload.id));
      for (const workload of observation.workloads) expect(workloads.has(workload.id)).toBe(true);
    });

    it("lists knobs it can read", async () => {
      const backend = await options.make();
      const knobs = await backend.knobs();
      expect(knobs.length).toBeGreaterThan(0);
      for (const ref of knobs) expect(await backend.readKnob(ref)).toBeDefined();
    });

    it("refuses a knob on a target that does not exist", async () => {
      const backend = await options.make();
      await expect(backend.readKnob({ knob: "io-scheduler", target: "no-such-device" })).rejects.toBeInstanceOf(
        KnobUnavailableError,
      );
    });

    const writes = it.skipIf(options.writable === undefined);
    const why = options.writeSkipReason === undefined ? "" : ` (skipped when ${options.writeSkipReason})`;

    writes(`a dry run validates and normalizes but changes nothing${why}`, async () => {
      const backend = await options.make();
      const target = await options.writable?.(backend);
      if (target === undefined) return;
      const before = await backend.readKnob(target.ref);
      const receipt = await backend.apply(
        { id: "dry", knob: target.ref, to: target.to, component: "test", reason: "conformance" },
        { dryRun: true },
      );
      expect(receipt.dryRun).toBe(true);
      expect(sameKnobValue(receipt.previous, before)).toBe(true);
      expect(sameKnobValue(await backend.readKnob(target.ref), before)).toBe(true);
    });

    writes(`apply changes the knob and revert restores exactly the previous value${why}`, async () => {
      const backend = await options.make();
      const target = await options.writable?.(backend);
      if (target === undefined) return;
      const before = await backend.readKnob(target.ref);
      const receipt = await backend.apply({
        id: "c1",
        knob: target.ref,
        to: target.to,
        component: "test",
        reason: "conformance",
      });
      expect(sameKnobValue(await backend.readKnob(target.ref), receipt.applied)).toBe(true);
      expect(sameKnobValue(receipt.applied, before)).toBe(false);
      await backend.revert(receipt);
      expect(sameKnobValue(await backend.readKnob(target.ref), before)).toBe(true);
    });

    writes(`an invalid value is refused before anything changes${why}`, async () => {
      const backend = await options.make();
      const target = await options.writable?.(backend);
      if (target === undefined) return;
      const before = await backend.readKnob(target.ref);
      await expect(
        backend.apply({ id: "bad", knob: target.ref, to: target.invalid, component: "test", reason: "conformance" }),
      ).rejects.toBeInstanceOf(KnobValueError);
      expect(sameKnobValue(await backend.readKnob(target.ref), before)).toBe(true);
    });
  });
}
