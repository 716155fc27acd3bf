import { describe, expect, it } from "vitest";
import { CpuSampler } from "../../src/profiler/cpu-sampler.js";
import { InspectorSession } from "../../src/profiler/inspector-session.js";

function spin(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

describe("CpuSampler", () => {
  it("rotates by overlap: each profile starts before the previous one ends, so V8 never restarts cold", async () => {
    const session = new InspectorSession();
    session.connect();
    const sampler = new CpuSampler(session);
    try {
      await sampler.start(1000);
      spin(150);
      const first = await sampler.rotate();
      spin(150);
      const second = await sampler.rotate();
      spin(150);
      expect(sampler.running).toBe(true);
      const third = await sampler.stop();
      expect(sampler.running).toBe(false);
      for (const profile of [first, second, third]) {
        expect(profile.samples.length).toBeGreaterThan(5);
        expect(profile.timeDeltas).toHaveLength(profile.samples.length);
      }
      // The next profile was already running when the previous one stopped.
      expect(second.startTime).toBeLessThanOrEqual(first.endTime);
      expect(third.startTime).toBeLessThanOrEqual(second.endTime);
      // The overlap is the rotation itself: milliseconds, not a share of the profile.
      expect(first.endTime - second.startTime).toBeLessThan(50_000);
      await expect(sampler.rotate()).rejects.toThrow(/not running/);
    } finally {
      await sampler.close();
      session.disconnect();
    }
  });
});
