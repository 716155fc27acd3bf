import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { loadScenarioForCli, runScenario } from "../../src/cli/scenario-runner.js";
import { overridesFor, parseSetFlags } from "../../src/cli/set-flags.js";
import { aggregatePoint } from "../../src/sweep/aggregate.js";
import { summarize } from "../../src/sweep/run-summary.js";
import { gridPoints } from "../../src/sweep/sweep-grid.js";
import { fakeIO } from "../helpers/fake-io.js";
import { spawnCli } from "../helpers/spawn-cli.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "scenarios");
const FLEET = join(FIXTURES, "tiny-fleet.yaml");
const HOST = join(FIXTURES, "tiny-host.yaml");
const SET = [
  "--set",
  "fleet.spot.interruptionsPerDay=0.2,3",
  "--set",
  "tuning.components=[rightsizing],[rightsizing,cost]",
];

async function sweep(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIO();
  const code = await main(["sweep", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const scratch = () => mkdtempSync(join(tmpdir(), "tt-sweep-"));

describe("twintune sweep", () => {
  it("a sweep's aggregate equals the aggregate of the same runs done one by one, whatever the worker count", async () => {
    const dir = scratch();
    const byPool = await sweep([
      FLEET,
      "--seeds",
      "1-4",
      ...SET,
      "--workers",
      "2",
      "--json",
      "--out",
      join(dir, "two"),
    ]);
    // Off a terminal, progress comes as plain lines: at least the start and the end.
    expect(byPool.err).toMatch(/^(twintune: \[[#.]+\] \d+\/16 runs \d+% .*\n)+$/);
    expect(byPool.err).toMatch(/^twintune: \[\.+\] 0\/16 runs 0% /);
    expect(byPool.err).toMatch(/\] 16\/16 runs 100% .* done\n$/);
    expect(byPool.code).toBe(0);
    const pooled = JSON.parse(byPool.out);
    expect(pooled.points).toHaveLength(4);
    // The same runs, one by one in this thread, aggregated by the same function.
    const flags = parseSetFlags(
      SET.filter((_, i) => i % 2 === 1),
      "sweep",
      true,
    );
    const points = gridPoints(flags.map((f) => ({ key: f.key, texts: f.texts })));
    const direct = [];
    for (const point of points) {
      const resolved = loadScenarioForCli(FLEET, overridesFor(flags, point.choice));
      const runs = [];
      for (const seed of [1, 2, 3, 4]) runs.push(summarize(await runScenario(resolved, { seed })));
      direct.push(aggregatePoint(point.label, point.values, runs));
    }
    expect(pooled.points).toEqual(JSON.parse(JSON.stringify(direct)));
    const single = await sweep([
      FLEET,
      "--seeds",
      "1-4",
      ...SET,
      "--workers",
      "1",
      "--json",
      "--out",
      join(dir, "one"),
    ]);
    expect(single.out).toBe(byPool.out);
    const traces = (sub: string) =>
      readdirSync(join(dir, sub, "runs"))
        .sort()
        .map((f) => JSON.parse(readFileSync(join(dir, sub, "runs", f), "utf8")).result.traceHash);
    expect(traces("one")).toEqual(traces("two"));
    expect(new Set(traces("one")).size).toBe(16);
  }, 120_000);

  it("writes sweep.json, summary.md, a chart and every run; --resume runs only what is missing", async () => {
    const out = join(scratch(), "sweep");
    const first = await sweep([FLEET, "--seeds", "1-3", "--out", out]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/1 point x 3 seeds = 3 runs/);
    expect(readdirSync(out).sort()).toEqual(["runs", "summary.md", "sweep.json", "sweep.svg"]);
    const manifest = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8"));
    expect(manifest).toMatchObject({ generator: "twintune", kind: "sweep", complete: true, seeds: [1, 2, 3] });
    expect(readFileSync(join(out, "sweep.svg"), "utf8")).toMatch(/95% confidence interval/);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toMatch(/\| as written \| 3 \|/);
    // Without --resume the folder is refused; with it, only seeds 4-5 run.
    const refused = await sweep([FLEET, "--seeds", "1-5", "--out", out]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/holds a sweep already: add --resume/);
    const resumed = await sweep([FLEET, "--seeds", "1-5", "--out", out, "--resume", "--json"]);
    expect(resumed.code).toBe(0);
    expect(resumed.err).not.toMatch(/note:/); // nothing left out
    const fresh = await sweep([FLEET, "--seeds", "1-5", "--out", join(scratch(), "fresh"), "--json"]);
    expect(resumed.out).toBe(fresh.out);
    const text = await sweep([FLEET, "--seeds", "1-5", "--out", out, "--resume"]);
    expect(text.out).toMatch(/5 runs \(5 reused from/);
    // A run made by another engine (an upgrade since) is run again, not mixed in.
    const stale = join(out, "runs", "p0-seed2.json");
    const stored = JSON.parse(readFileSync(stale, "utf8"));
    writeFileSync(
      stale,
      JSON.stringify({ ...stored, result: { ...stored.result, modelVersion: "0.0.1+engine.0000beef+models.1" } }),
    );
    const upgraded = await sweep([FLEET, "--seeds", "1-5", "--out", out, "--resume"]);
    expect(upgraded.out).toMatch(/5 runs \(4 reused from/);
    expect(JSON.parse(readFileSync(stale, "utf8")).result.modelVersion).toBe(stored.result.modelVersion);
    // The same scenario named another way (through a link, or from another folder) resumes too.
    const link = join(scratch(), "link.yaml");
    symlinkSync(FLEET, link);
    const linked = await sweep([link, "--seeds", "1-5", "--out", out, "--resume"]);
    expect(linked.err).toBe("");
    expect(linked.out).toMatch(/5 runs \(5 reused from/);
    // Fewer seeds: the summary shrinks, and the user is told which runs it leaves out.
    const fewer = await sweep([FLEET, "--seeds", "1-2", "--out", out, "--resume"]);
    expect(fewer.code).toBe(0);
    expect(fewer.err).toBe(
      "twintune: note: runs/ also holds runs of seeds 3-5, which the summary of seeds 1-2 leaves out (resume with --seeds 1-5 to include them)\n",
    );
    // The note counts what runs/ holds, not the previous command: after 1-2, 7 still leaves out 1-5.
    const seven = await sweep([FLEET, "--seeds", "7", "--out", out, "--resume"]);
    expect(seven.err).toMatch(
      /^twintune: note: runs\/ also holds runs of seeds 1-5, which the summary of seed 7 leaves out \(resume with --seeds 1-5,7 to include them\)\n/,
    );
    expect(seven.out).toMatch(/1 point x 1 seed = 1 run\n/);
    // A different grid cannot resume this folder.
    const other = await sweep([FLEET, "--seeds", "1-5", "--set", "fleet.vms=20,30", "--out", out, "--resume"]);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/--resume needs the same scenario and --set values/);
  }, 120_000);

  it("a scenario or flag error names what is wrong, exits non-zero and writes nothing", async () => {
    const root = scratch();
    const out = join(root, "never");
    const cases: [string[], number, RegExp][] = [
      // A bad --set value is a bad flag value (2); a problem in the scenario file is 1.
      [[FLEET, "--set", "tuning.foo=1,2"], 2, /--set tuning\.foo=1: tuning\.foo: unknown key 'foo'; known: interval/],
      [[FLEET, "--set", "fleet.vms=10,ten"], 2, /--set fleet\.vms=ten: fleet\.vms: expected number, got "ten"/],
      [[FLEET, "--set", "fleet.vms"], 2, /--set expects key=value/],
      [[FLEET, "--seeds", "9-1"], 2, /--seeds: a seed range must go up/],
      [[FLEET, "--workers", "0"], 2, /--workers expects an integer >= 1/],
      [[join(FIXTURES, "missing.yaml")], 1, /missing\.yaml: cannot read: no such file/],
      [[FLEET, "--resume"], 1, /nothing to resume/],
    ];
    for (const [args, code, message] of cases) {
      const result = await sweep([...args, "--out", out]);
      expect(result.err).toMatch(message);
      expect(result.code).toBe(code);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("Ctrl-C keeps the finished runs, exits 130, and --resume finishes the sweep", async () => {
    const out = join(scratch(), "interrupted");
    const args = ["sweep", HOST, "--seeds", "1-6", "--workers", "1", "--out", out];
    const child = spawnCli(args);
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const runs = join(out, "runs");
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (existsSync(runs) && readdirSync(runs).some((f) => f.endsWith(".json"))) {
          clearInterval(timer);
          child.kill("SIGINT");
          resolve();
        }
      }, 100);
      child.on("exit", () => {
        clearInterval(timer);
        reject(new Error(`the sweep ended before it could be interrupted: ${stderr}`));
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/sweep interrupted: \d of 6 runs are done and kept/);
    const kept = readdirSync(runs).filter((f) => f.endsWith(".json"));
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(6);
    expect(readdirSync(runs).every((f) => f.endsWith(".json"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")).complete).toBe(false);
    const resumed = fakeIO();
    expect(await main(["sweep", HOST, "--seeds", "1-6", "--out", out, "--resume"], resumed)).toBe(0);
    expect(resumed.out()).toMatch(new RegExp(`6 runs \\(${kept.length} reused`));
    expect(readdirSync(runs)).toHaveLength(6);
    rmSync(out, { recursive: true, force: true });
  }, 180_000);
});
