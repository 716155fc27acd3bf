import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Profile } from "pprof-format";
import { afterEach, describe, expect, it } from "vitest";
import { parseFolded } from "../../src/flamegraph/folded-parser.js";
import { findHotspots } from "../../src/flamegraph/hotspots.js";
import { parsePprof } from "../../src/flamegraph/pprof-parser.js";
import { ContinuousProfiler } from "../../src/index.js";
import { pruneOldProfiles } from "../../src/profiler/profile-files.js";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "twintune-profiler-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function crunch(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i) * Math.sin(i);
  return x;
}

/** CPU work in slices that yield to the event loop, so the profiler's timers run, for `ms`. */
async function work(ms: number): Promise<number[]> {
  const end = performance.now() + ms;
  const kept: number[][] = [];
  while (performance.now() < end) {
    crunch(200_000);
    kept.push(new Array(2000).fill(kept.length));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return kept.map((row) => row.length);
}

/** Works until the profiler has closed `windows` windows (timers can run late on a busy machine), at most 20 s. */
async function workUntil(profiler: ContinuousProfiler, windows: number): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (profiler.windows().length < windows && performance.now() < deadline) await work(50);
}

describe("ContinuousProfiler", () => {
  it("writes contiguous CPU windows as pprof and folded, weighted by time, plus heap and event-loop windows", async () => {
    const outputDir = scratch();
    const profiler = new ContinuousProfiler({
      samplingHz: 100,
      types: ["cpu", "heap", "eventloop"],
      outputDir,
      windowSeconds: 0.4,
      overheadTarget: 1, // keep full fidelity: this test is about the files
    });
    await profiler.start();
    await work(400);
    await workUntil(profiler, 2);
    await profiler.stop();
    const records = profiler.profiles();
    const cpuPprof = records.filter((r) => r.type === "cpu" && r.format === "pprof");
    expect(cpuPprof.length).toBeGreaterThanOrEqual(3);
    expect(records.filter((r) => r.type === "cpu" && r.format === "folded")).toHaveLength(cpuPprof.length);
    expect(records.some((r) => r.type === "heap" && r.format === "pprof")).toBe(true);
    expect(records.some((r) => r.type === "eventloop" && r.format === "json")).toBe(true);
    for (const record of records) expect(existsSync(record.path)).toBe(true);

    const windows = profiler.windows();
    for (let k = 1; k < windows.length; k++) expect(windows[k]?.startTime).toBe(windows[k - 1]?.endTime);

    let crunchNs = 0;
    for (const record of cpuPprof) {
      const raw = Profile.decode(gunzipSync(readFileSync(record.path)));
      expect(raw.stringTable.strings[0]).toBe("");
      expect(raw.sampleType.map((t) => raw.stringTable.strings[Number(t.type)])).toEqual(["samples", "cpu"]);
      const stacks = parsePprof(readFileSync(record.path), record.path);
      const total = [...stacks.stacks.values()].reduce((a, b) => a + b, 0);
      // Time-weighted: the CPU nanoseconds cannot exceed the window's wall time.
      expect(total / 1e6).toBeLessThanOrEqual(record.endTime - record.startTime + 20);
      const folded = parseFolded(readFileSync(record.path.replace(/\.pb\.gz$/, ".us.folded"), "utf8"));
      const foldedTotal = [...folded.stacks.values()].reduce((a, b) => a + b, 0);
      expect(Math.abs(foldedTotal * 1000 - total) / total).toBeLessThan(0.01);
      crunchNs += findHotspots(stacks, 0).find((h) => h.functionName.startsWith("crunch "))?.samples ?? 0;
    }
    const profiledMs = windows.reduce((sum, w) => sum + (w.endTime - w.startTime), 0);
    expect(crunchNs / 1e6).toBeGreaterThan(profiledMs * 0.3); // crunch ran most of the time

    const loop = JSON.parse(readFileSync(records.find((r) => r.type === "eventloop")?.path as string, "utf8"));
    expect(loop.delayMs.max).toBeGreaterThan(0);
    expect(loop.utilization).toBeGreaterThan(0.3);
    const heap = parsePprof(
      readFileSync(records.find((r) => r.type === "heap" && r.format === "pprof")?.path as string),
    );
    expect(heap.unit).toBe("bytes");

    const average = profiler.averageOverhead();
    expect(average).toBeGreaterThan(0);
    expect(average).toBeLessThan(1);
    const weighted =
      windows.reduce((sum, w) => sum + w.overhead * w.wallMs, 0) / windows.reduce((sum, w) => sum + w.wallMs, 0);
    expect(average).toBeCloseTo(weighted, 12);
  });

  it("over budget it degrades step by step: heap off, then half rate, then a fifth", async () => {
    const profiler = new ContinuousProfiler({
      samplingHz: 100,
      types: ["cpu", "heap"],
      outputDir: scratch(),
      windowSeconds: 0.25,
      overheadTarget: 0.01,
      perSampleMicros: 100_000, // pretend each sample costs 0.1 s: always over budget
    });
    await profiler.start();
    await workUntil(profiler, 4);
    await profiler.stop();
    const levels = profiler.windows().map((w) => w.level);
    expect(levels.slice(0, 4)).toEqual([
      { heap: true, hz: 100, duty: 1 },
      { heap: false, hz: 100, duty: 1 },
      { heap: false, hz: 50, duty: 1 },
      { heap: false, hz: 20, duty: 1 },
    ]);
    // The rate really changed: the pprof period of a 20 Hz window is 50 ms.
    const at20 = profiler.profiles().filter((r) => r.type === "cpu" && r.format === "pprof")[3];
    const raw = Profile.decode(gunzipSync(readFileSync(at20?.path as string)));
    expect(Number(raw.period)).toBe(50_000_000);
    expect(profiler.averageOverhead()).toBeGreaterThan(0.01);
  });

  it("at a lower duty cycle samples whole windows and rests between them", async () => {
    const profiler = new ContinuousProfiler({
      samplingHz: 100,
      types: ["cpu"],
      outputDir: scratch(),
      windowSeconds: 0.25,
      overheadTarget: 0.01,
      perSampleMicros: 100_000, // always over budget: 100, 50, 20 Hz, then 20 Hz at 0.5 and 0.25
    });
    const started = Date.now();
    await profiler.start();
    await workUntil(profiler, 5);
    await profiler.stop(); // most likely during the 750 ms rest after the 0.25-duty window
    const elapsed = Date.now() - started;
    const windows = profiler.windows();
    // No empty report for a stop during a rest, and no wall time counted twice.
    expect(windows.every((w) => w.effectiveHz > 0)).toBe(true);
    expect(windows.reduce((sum, w) => sum + w.wallMs, 0)).toBeLessThanOrEqual(elapsed + 300);
    const half = windows.findIndex((w) => w.level.duty === 0.5);
    expect(half).toBeGreaterThan(0);
    const window = windows[half] as (typeof windows)[number];
    // The whole window sampled (timers never fire early; a part-window would be 125 ms) ...
    expect(window.endTime - window.startTime).toBeGreaterThanOrEqual(240);
    // ... then as long at rest before the next one starts.
    const next = windows[half + 1];
    if (next !== undefined) expect(next.startTime - window.endTime).toBeGreaterThanOrEqual(240);
    expect(window.wallMs).toBeGreaterThanOrEqual(480);
  });

  it("stays at full fidelity when within budget", async () => {
    const profiler = new ContinuousProfiler({
      outputDir: scratch(),
      windowSeconds: 0.5,
      overheadTarget: 0.9,
      perSampleMicros: 0,
    });
    await profiler.start();
    await workUntil(profiler, 3);
    await profiler.stop();
    expect(profiler.windows().length).toBeGreaterThanOrEqual(3);
    expect(profiler.windows().every((w) => w.level.hz === 100 && w.level.duty === 1)).toBe(true);
  });

  it("stops when its signal aborts", async () => {
    const controller = new AbortController();
    const profiler = new ContinuousProfiler({ outputDir: scratch(), windowSeconds: 10 });
    await profiler.start(controller.signal);
    await work(100);
    controller.abort();
    await profiler.stop();
    expect(profiler.windows()).toHaveLength(1);
    expect(profiler.profiles().filter((r) => r.type === "cpu")).toHaveLength(2);
  });

  it("retention deletes only its own files older than the limit", async () => {
    const dir = scratch();
    mkdirSync(dir, { recursive: true });
    const old = join(dir, "cpu-20200101T000000000Z-1.pb.gz");
    const recent = join(dir, "cpu-20200102T000000000Z-1.us.folded");
    const foreign = join(dir, "notes-cpu.txt");
    for (const path of [old, recent, foreign]) writeFileSync(path, "x");
    const now = Date.now();
    const days = (n: number) => (now - n * 86_400_000) / 1000;
    utimesSync(old, days(8), days(8));
    utimesSync(foreign, days(30), days(30));
    utimesSync(recent, days(6), days(6));
    expect(await pruneOldProfiles(dir, 7, now)).toEqual([old]);
    expect([existsSync(old), existsSync(recent), existsSync(foreign)]).toEqual([false, true, true]);
    // The profiler prunes at start too.
    utimesSync(recent, days(9), days(9));
    const profiler = new ContinuousProfiler({ outputDir: dir, retentionDays: 7 });
    await profiler.start();
    await profiler.stop();
    expect(existsSync(recent)).toBe(false);
    expect(existsSync(foreign)).toBe(true);
  });
});
