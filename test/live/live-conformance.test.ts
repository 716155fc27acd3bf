import { afterAll } from "vitest";
import { backendConformance } from "../backend.case.js";
import { type Harness, harness } from "../helpers/live-harness.js";

// The shared Backend conformance suite against the live backend, on an in-memory copy of a
// hand-made two-socket SMT host (fixtures captured from sysfs layouts), so writes are safe.
const harnesses: Harness[] = [];
afterAll(() => {
  for (const h of harnesses) h.cleanup();
});

backendConformance("LiveBackend (fixture host)", {
  make: async () => {
    const h = await harness("numa-2node-smt");
    harnesses.push(h);
    return h.open();
  },
  observeAfterMs: 1000,
  writable: async (backend) => {
    const devices = (await backend.topology()).devices.filter((device) => device.schedulers.length > 1);
    const device = devices[0];
    if (device === undefined) return undefined;
    const current = await backend.readKnob({ knob: "io-scheduler", target: device.name });
    const to = device.schedulers.find((scheduler) => scheduler !== current);
    return to === undefined
      ? undefined
      : { ref: { knob: "io-scheduler", target: device.name }, to, invalid: "cfq-turbo" };
  },
});
