import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

describe("the package", () => {
  it("is importable by name, as a library user would (built dist/ with types)", () => {
    const output = execFileSync(process.execPath, [join(ROOT, "examples", "mm1.mjs")], { cwd: ROOT, encoding: "utf8" });
    const match = /mean wait ([\d.]+) s \(theory 4\.0+\d*\), utilization ([\d.]+)/.exec(output);
    expect(match).not.toBeNull();
    expect(Math.abs(Number(match?.[1]) - 4) / 4).toBeLessThan(0.1);
    expect(Number(match?.[2])).toBeCloseTo(0.8, 1);
  });

  it("ships the README's profiling example, a request loop that runs for the given milliseconds", () => {
    const output = execFileSync(process.execPath, [join(ROOT, "examples", "app.cjs"), "50", "2"], { encoding: "utf8" });
    expect(output).toMatch(/^served [1-9]\d* requests\n$/);
  });

  it("exports the continuous profiler and the flame graph generator with the seed document's API", () => {
    const output = execFileSync(process.execPath, [join(ROOT, "examples", "profile.mjs")], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(output).toMatch(/^\d+ files in .*; estimated overhead \d+\.\d+%$/m);
    const hot = /^busyWork \S+profile\.mjs:\d+: ([\d.]+)% \(\d+ nanoseconds\)$/m.exec(output);
    expect(Number(hot?.[1])).toBeGreaterThan(50);
    expect(output).toMatch(/^flame graph: \S+\.svg and \S+\.html$/m);
  }, 30_000);

  it("pins every dependency to an exact version and keeps the lockfile free of download addresses", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
    for (const required of ["mathjs", "seedrandom", "simple-statistics", "piscina", "ink", "react"]) {
      expect(pkg.dependencies).toHaveProperty(required);
    }
    expect(pkg.devDependencies).toHaveProperty("vitest");
    expect(pkg.devDependencies).toHaveProperty("fast-check");
    expect(readFileSync(join(ROOT, "package-lock.json"), "utf8")).not.toMatch(/"resolved":/);
  });
});
