import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCpuList } from "../../src/cpulist.js";

// The twin's processor-sharing model rests on the kernel sharing a CPU that way. This runs the
// measurement program (scripts/cpu-time-sharing.c) briefly on the real kernel: Poisson arrivals of
// lognormal demands (mean 10 ms, CV 2) on one CPU at half load. Under processor sharing every
// demand is slowed alike (about 2x here); first come, first served would slow the smallest
// quarter of the jobs (about 1 ms) some 26 times and the largest (about 30 ms) under 2 times.
const compiler = spawnSync("cc", ["--version"]).status === 0;
// Two CPUs this process may run on (a container may allow, say, only CPUs 2-3).
const allowed = parseCpuList(
  /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "0",
);
const [generatorCpu, workerCpu] = allowed;
const skip = !compiler ? "no C compiler (cc)" : workerCpu === undefined ? "needs two CPUs" : undefined;
const folder = mkdtempSync(join(tmpdir(), "twintune-time-sharing-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Measured {
  jobs: number;
  poolExhausted: number;
  slowdownByQuartile: { meanDemandMs: number; slowdown: number }[];
}

describe("the kernel's CPU time sharing (real threads)", () => {
  it.skipIf(skip !== undefined)(
    `slows 1 ms and 30 ms demands alike, as processor sharing does${skip ? ` (skipped: ${skip})` : ""}`,
    () => {
      const binary = join(folder, "cpu-time-sharing");
      execFileSync("cc", ["-O2", "-pthread", "-o", binary, "scripts/cpu-time-sharing.c", "-lm"]);
      const measured = JSON.parse(
        execFileSync(binary, [String(workerCpu), String(generatorCpu), "10", "2", "0.5", "4", "7"], {
          encoding: "utf8",
        }),
      ) as Measured;
      expect(measured.poolExhausted).toBe(0);
      expect(measured.jobs).toBeGreaterThan(100);
      const [smallest, , , largest] = measured.slowdownByQuartile;
      expect(smallest?.meanDemandMs).toBeLessThan(2);
      expect(largest?.meanDemandMs).toBeGreaterThan(15);
      // Other test files share these CPUs, so the load, and every slowdown, may be higher than
      // planned; the shape stays. The bound is far from first come, first served's ~14x.
      expect((smallest?.slowdown ?? 0) / (largest?.slowdown ?? 1)).toBeLessThan(3);
    },
    30_000,
  );
});
