import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import { type Backend, type KnobRef, type KnobValue, sameKnobValue } from "../../src/backend.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import { backendConformance } from "../backend.case.js";

const SMALL = new URL("../fixtures/scenarios/small-host.yaml", import.meta.url).pathname;
const resolved = loadScenario(SMALL);

backendConformance("SimBackend", {
  make: async () => new SimBackend(resolved),
  observeAfterMs: 2000,
  writable: async () => ({ ref: { knob: "io-scheduler", target: "sda" }, to: "none", invalid: "cfq-turbo" }),
});

/** A valid value for each knob, different from its current one. */
function alternative(ref: KnobRef, current: KnobValue): KnobValue {
  switch (ref.knob) {
    case "cpu-affinity":
      return [0, 1, 2, 3];
    case "memory-policy":
      return { mode: "bind", nodes: [1] };
    case "io-scheduler":
      return current === "bfq" ? "kyber" : "bfq";
    case "nr-requests":
      return 32;
    case "read-ahead-kb":
      return 16;
    case "tcp-rmem":
    case "tcp-wmem":
      return [4096, 262144, 67108864];
    case "tcp-congestion-control":
      return "bbr";
    case "tcp-window-scaling":
    case "tcp-sack":
      return 0;
    case "tcp-timestamps":
      return 2;
    case "somaxconn":
      return 128;
    case "netdev-max-backlog":
      return 30000;
    case "nic-rings":
      return { rx: 4096, tx: 4096 };
    case "llc-ways":
      return current === 1 ? 2 : 1;
    default:
      return current;
  }
}

describe("SimBackend", () => {
  it("the same seed gives the same trace hash and observations; another seed does not", async () => {
    const run = async (seed: number) => {
      const backend = new SimBackend(resolved, { seed });
      await backend.clock.sleep(3000);
      const observation = await backend.observe();
      return {
        hash: backend.twin.sim.traceHashHex,
        throughput: observation.service?.throughputRps,
        p95: observation.service?.latencyMs.p95,
      };
    };
    expect(await run(1)).toEqual(await run(1));
    expect((await run(1)).hash).not.toBe((await run(2)).hash);
  });

  it("reverting changes in reverse order restores every knob exactly (property)", async () => {
    const knobs = await new SimBackend(resolved).knobs();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.nat(knobs.length - 1), { minLength: 1, maxLength: 8 }),
        fc.nat(3000),
        async (picks, gapMs) => {
          const backend: Backend = new SimBackend(resolved);
          const before = await Promise.all(knobs.map((ref) => backend.readKnob(ref)));
          const receipts = [];
          for (const pick of picks) {
            const ref = knobs[pick] as KnobRef;
            const current = await backend.readKnob(ref);
            const to = alternative(ref, current);
            // A change to the value a knob already holds would make its revert check vacuous.
            expect(sameKnobValue(to, current), `${ref.knob} ${ref.target}`).toBe(false);
            receipts.push(
              await backend.apply({
                id: `c${pick}`,
                knob: ref,
                to,
                component: "test",
                reason: "property",
              }),
            );
            await backend.clock.sleep(gapMs);
          }
          for (const receipt of receipts.reverse()) await backend.revert(receipt);
          const after = await Promise.all(knobs.map((ref) => backend.readKnob(ref)));
          for (const [i, ref] of knobs.entries()) {
            expect(sameKnobValue(after[i] as KnobValue, before[i] as KnobValue), `${ref.knob} ${ref.target}`).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("a scheduler switch resets nr_requests as the kernel does, and its revert restores both", async () => {
    const backend = new SimBackend(resolved);
    const nr = { knob: "nr-requests" as const, target: "sda" };
    expect(await backend.readKnob(nr)).toBe(48);
    const receipt = await backend.apply({
      id: "s",
      knob: { knob: "io-scheduler", target: "sda" },
      to: "none",
      component: "io",
      reason: "test",
    });
    expect(await backend.readKnob(nr)).toBe(32); // the SATA tag depth with `none`
    await backend.revert(receipt);
    expect(await backend.readKnob(nr)).toBe(48);
  });

  it("accepts the seed document's legacy scheduler names as aliases", async () => {
    const backend = new SimBackend(resolved);
    const receipt = await backend.apply({
      id: "l",
      knob: { knob: "io-scheduler", target: "sdb" },
      to: "cfq",
      component: "io",
      reason: "test",
    });
    expect(receipt.applied).toBe("bfq");
  });

  it("refuses unsafe values before any change: a decreasing tcp_rmem, a buffer above 1 GiB, CPUs the host lacks", async () => {
    const backend = new SimBackend(resolved);
    const host = (knob: "tcp-rmem") => ({ knob, target: "host" });
    await expect(
      backend.apply({ id: "a", knob: host("tcp-rmem"), to: [4096, 131072, 65536], component: "n", reason: "t" }),
    ).rejects.toThrow(/min <= default <= max/);
    await expect(
      backend.apply({ id: "b", knob: host("tcp-rmem"), to: [4096, 131072, 2 ** 31], component: "n", reason: "t" }),
    ).rejects.toThrow(/1 GiB/);
    await expect(
      backend.apply({ id: "c", knob: { knob: "cpu-affinity", target: "web" }, to: [99], component: "p", reason: "t" }),
    ).rejects.toThrow(/CPUs/);
    expect(await backend.readKnob(host("tcp-rmem"))).toEqual([4096, 131072, 6291456]);
  });
});
