import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../../sim/rng.js";
import type { InstanceType } from "../../../src/catalog/instance-type.js";
import { maxOf } from "../../../src/metrics/quantile.js";
import { POLICY_NAMES, policy } from "../../../src/tuners/rightsize/policy.js";
import { RightSizer } from "../../../src/tuners/rightsize/right-sizer.js";
import { DAY, STEP, smallCatalog } from "../../helpers/synthetic-vm.js";

const catalog = smallCatalog();

/** A random VM: its type, and demand as level × daily cycle × growth × noise, in cores and GiB. */
const vmArbitrary = fc.record({
  type: fc.constantFrom(...catalog.types.map((type) => type.name)),
  days: fc.integer({ min: 2, max: 9 }),
  cpuShare: fc.double({ min: 0.005, max: 1.2, noNaN: true }),
  // Half the VMs sit just below their memory, where a type too small for the peak is one step away.
  memShare: fc.oneof(fc.double({ min: 0.05, max: 1.15, noNaN: true }), fc.double({ min: 0.85, max: 1, noNaN: true })),
  cycle: fc.double({ min: 0, max: 0.8, noNaN: true }),
  growthPerDay: fc.double({ min: -0.02, max: 0.05, noNaN: true }),
  noise: fc.double({ min: 0, max: 0.3, noNaN: true }),
  seed: fc.integer({ min: 0, max: 1000 }),
  policy: fc.constantFrom(...POLICY_NAMES),
});
/** VMs using at most a third of their type, so three times the demand still shows in the trace. */
const smallVm = vmArbitrary.map((vm) => ({ ...vm, cpuShare: vm.cpuShare / 5, memShare: vm.memShare / 4 }));
let checked = 0;
type Vm = typeof vmArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Demand series of a VM (cores, GiB), scaled by `k`. */
function demand(vm: Vm, type: InstanceType, k = 1): { cpu: Float64Array; mem: Float64Array } {
  const steps = Math.round((vm.days * DAY) / STEP);
  const stream = new RandomStreams(vm.seed).stream("vm");
  const cpu = new Float64Array(steps);
  const mem = new Float64Array(steps);
  for (let i = 0; i < steps; i++) {
    const days = (i * STEP) / DAY;
    const level = (1 + vm.growthPerDay * days) * (1 - vm.cycle + (vm.cycle * (1 + Math.sin(2 * Math.PI * days))) / 2);
    cpu[i] = k * Math.max(0, vm.cpuShare * type.vcpus * level * (1 + vm.noise * stream.normal()));
    mem[i] =
      k *
      Math.max(
        0,
        vm.memShare * type.memoryGiB * (1 + 0.2 * vm.growthPerDay * days) * (1 + (vm.noise / 10) * stream.normal()),
      );
  }
  return { cpu, mem };
}

function recommend(vm: Vm, series: { cpu: Float64Array; mem: Float64Array }) {
  const type = catalog.get(vm.type) as InstanceType;
  const sizer = new RightSizer(catalog, { policy: vm.policy });
  for (let i = 0; i < series.cpu.length; i++) {
    const mem = series.mem[i] as number;
    sizer.observe(
      "vm",
      {
        time: i * STEP,
        cpu: Math.min(1, (series.cpu[i] as number) / type.vcpus),
        mem: Math.min(1, mem / type.memoryGiB),
        oom: mem > type.memoryGiB,
      },
      type,
    );
  }
  const [rec] = sizer.recommend();
  if (rec === undefined) throw new Error("no recommendation");
  return rec;
}

describe("right-sizer properties (fixed fast-check seed)", () => {
  it("never recommends less memory than the observed peak plus the policy's margin", () => {
    fc.assert(
      fc.property(vmArbitrary, (vm) => {
        const type = catalog.get(vm.type) as InstanceType;
        const series = demand(vm, type);
        const rec = recommend(vm, series);
        if (rec.action === "insufficient-data") return;
        const observedPeak = Math.min(maxOf(series.mem), type.memoryGiB); // what the trace could show
        const to = catalog.get(rec.to) as InstanceType;
        const biggest = Math.max(...catalog.types.map((t) => t.memoryGiB));
        expect(to.memoryGiB).toBeGreaterThanOrEqual(
          Math.min(biggest, observedPeak * (1 + policy(vm.policy).memMargin)),
        );
      }),
      { seed: 20261130, numRuns: 100 },
    );
  });

  it("never picks a cheaper type when all demand scales up (where the trace shows the demand: below the type's ceiling)", () => {
    fc.assert(
      fc.property(smallVm, fc.double({ min: 1, max: 3, noNaN: true }), (vm, k) => {
        const type = catalog.get(vm.type) as InstanceType;
        const base = demand(vm, type);
        const scaled = demand(vm, type, k);
        // Above the ceiling a trace shows only "at least this much" (handled by the 1.2× bump): out of scope here.
        fc.pre(maxOf(scaled.cpu) < type.vcpus && maxOf(scaled.mem) <= type.memoryGiB);
        const small = recommend(vm, base);
        const large = recommend(vm, scaled);
        checked++;
        if (small.action === "insufficient-data") return;
        const price = (name: string) => (catalog.get(name) as InstanceType).hourlyUsd;
        expect(price(large.to)).toBeGreaterThanOrEqual(price(small.to));
      }),
      { seed: 1130, numRuns: 60 },
    );
    expect(checked).toBeGreaterThanOrEqual(50);
  });

  it("gives the same output for the same input, whatever order the VMs' samples arrive in", () => {
    fc.assert(
      fc.property(fc.array(vmArbitrary, { minLength: 2, maxLength: 4 }), (vms) => {
        const series = vms.map((vm) => demand(vm, catalog.get(vm.type) as InstanceType));
        const run = (interleaved: boolean) => {
          const sizer = new RightSizer(catalog, { policy: (vms[0] as Vm).policy });
          const feed = (v: number, i: number) => {
            const vm = vms[v] as Vm;
            const type = catalog.get(vm.type) as InstanceType;
            const s = series[v] as { cpu: Float64Array; mem: Float64Array };
            sizer.observe(
              `vm-${v}`,
              {
                time: i * STEP,
                cpu: Math.min(1, (s.cpu[i] as number) / type.vcpus),
                mem: Math.min(1, (s.mem[i] as number) / type.memoryGiB),
              },
              type,
            );
          };
          const longest = Math.max(...series.map((s) => s.cpu.length));
          if (interleaved) {
            for (let i = 0; i < longest; i++)
              for (let v = 0; v < vms.length; v++) if (i < (series[v] as { cpu: Float64Array }).cpu.length) feed(v, i);
          } else {
            for (let v = vms.length - 1; v >= 0; v--)
              for (let i = 0; i < (series[v] as { cpu: Float64Array }).cpu.length; i++) feed(v, i);
          }
          return JSON.stringify(
            sizer
              .recommend()
              .map(({ forecast: _, ...rec }) => rec)
              .sort((a, b) => a.vm.localeCompare(b.vm)),
          );
        };
        expect(run(true)).toBe(run(false));
      }),
      { seed: 30, numRuns: 15 },
    );
  });
});
