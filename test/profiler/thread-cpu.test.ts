import { describe, expect, it } from "vitest";
import { CpuSampler } from "../../src/profiler/cpu-sampler.js";
import { InspectorSession } from "../../src/profiler/inspector-session.js";
import { OverheadMeter } from "../../src/profiler/overhead-meter.js";
import {
  ThreadCpuTracker,
  threadCpuMs,
  threadsNamed,
  threadUserKernelMs,
  V8_PROFILER_THREAD,
} from "../../src/profiler/thread-cpu.js";

const linux = process.platform === "linux";

function spin(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
}

describe.skipIf(!linux)(`per-thread CPU from /proc${linux ? "" : " (skipped: Linux only)"}`, () => {
  it("reads this thread's CPU time, which grows while it works", () => {
    const before = threadCpuMs(process.pid) as number;
    const cpu0 = process.cpuUsage();
    spin(200);
    const process_ = process.cpuUsage(cpu0);
    const thread = (threadCpuMs(process.pid) as number) - before;
    expect(thread).toBeGreaterThan(1);
    // The main thread's time is part of the process's (user + system, all threads).
    expect(thread).toBeLessThanOrEqual((process_.user + process_.system) / 1000 + 5);
  });

  it("splits a thread's CPU time into user and kernel time, in 10 ms ticks", () => {
    const before = threadUserKernelMs(process.pid) as { user: number; kernel: number };
    const thread0 = threadCpuMs(process.pid) as number;
    spin(300);
    const after = threadUserKernelMs(process.pid) as { user: number; kernel: number };
    const used = (threadCpuMs(process.pid) as number) - thread0;
    const split = after.user - before.user + (after.kernel - before.kernel);
    // Pure computation runs in user space; tick accounting may be off by a tick or two.
    expect(after.user - before.user).toBeGreaterThan(0.5 * used);
    expect(Math.abs(split - used)).toBeLessThanOrEqual(30);
    expect(threadUserKernelMs("no-such-thread")).toBeUndefined();
  });

  it("finds V8's profiler thread while sampling and charges its CPU to the window", async () => {
    const session = new InspectorSession();
    session.connect();
    const sampler = new CpuSampler(session);
    const tracker = new ThreadCpuTracker(V8_PROFILER_THREAD);
    const meter = new OverheadMeter(0);
    expect(tracker.take()).toBe(0);
    try {
      await sampler.start(1000); // 1 kHz, so the thread has work to show
      expect(threadsNamed(V8_PROFILER_THREAD).length).toBeGreaterThanOrEqual(1);
      spin(300);
      const used = tracker.take() as number;
      expect(used).toBeGreaterThan(0);
      expect(used).toBeLessThan(300);
      meter.readThreads();
      await sampler.stop();
      const window = meter.closeWindow(300, 200);
      expect(window.profilerThreadMs).toBeGreaterThan(0);
      // The receiving end is charged as the sending end's kernel time (0 µs per sample on top).
      expect(window.signalReceiveMs).toBeGreaterThanOrEqual(0);
      expect(window.signalReceiveMs).toBeLessThanOrEqual(window.profilerThreadMs + 20); // kernel ≤ total, ± a tick or two
      expect(window.samplingMs).toBeCloseTo(window.profilerThreadMs + window.signalReceiveMs, 9);
      expect(window.overhead).toBeCloseTo((window.busyMs + window.samplingMs) / 300, 12);
    } finally {
      await sampler.close();
      session.disconnect();
    }
  });
});
