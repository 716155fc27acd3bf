import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/commands/run.js";
import { main } from "../../src/cli/main.js";
import { fakeIO } from "../helpers/fake-io.js";

const HOST = join(import.meta.dirname, "..", "fixtures", "scenarios", "tiny-host.yaml");

describe("twintune run", () => {
  it("reports convergence windows only within the run: a duration that is not a whole number of intervals", async () => {
    const io = fakeIO();
    const args = ["run", HOST, "--no-report", "--json", "--set", "duration=2.5m", "--set", "tuning.interval=1m"];
    expect(await main([...args, "--set", "tuning.validation=1m"], io)).toBe(0);
    const windows = JSON.parse(io.out()).convergence.windows as { endMin: number }[];
    expect(windows.length).toBeGreaterThan(0);
    expect(Math.max(...windows.map((w) => w.endMin))).toBeLessThanOrEqual(2.5);
  }, 120_000);
});

describe("twintune run writes a report", () => {
  it("into --out: report.md, results.json with seed, config hash, model version and trace hash, and the charts", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "tt-run-")), "report");
    const io = fakeIO();
    expect(await main(["run", HOST, "--seed", "3", "--set", "description=a b", "--out", out], io)).toBe(0);
    expect(io.out()).toMatch(
      /Report: .*report\/ \(report\.md, results\.json, improvement\.svg, latency\.svg, cost\.svg, components\.svg\)/,
    );
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(results.seed).toBe(3);
    expect(results.configHash).toMatch(/^[0-9a-f]{8}$/);
    // Pinned: the twin's and the orchestrator's every event on this run. It changes only when a
    // model or the engine changes on purpose; then update it and say so in the commit (claims
    // that a change leaves traces as they were rest on this).
    expect(results.traceHash).toBe("a724df34");
    expect(results.modelVersion).toMatch(/^\d+\.\d+\.\d+\+engine\.[0-9a-f]{8}\+models\.[0-9a-f]{8}$/);
    // Quoted as a shell reads it back, so it pastes as it ran.
    expect(results.command).toMatch(/^twintune run .*tiny-host\.yaml --seed 3 --set 'description=a b'$/);
    // A scenario named by an absolute path is recorded so, and the command works from anywhere.
    expect(results.file).toBe(HOST);
    expect(results.result.detail.latencyUnit).toBe("request");
    expect(
      results.result.detail.baseline.latency.reduce((s: number, b: { count: number }) => s + b.count, 0),
    ).toBeGreaterThan(100);
    // The io tuner kept its scheduler change, so the component chart has it measured alone.
    expect(results.result.detail.components.map((c: { component: string }) => c.component)).toEqual(["io"]);
    expect(readFileSync(join(out, "report.md"), "utf8")).toMatch(/^# twintune report: tiny-host/);
    // The same seed gives the same run.
    const json = fakeIO();
    expect(await main(["run", HOST, "--seed", "3", "--set", "description=a b", "--no-report", "--json"], json)).toBe(0);
    expect(JSON.parse(json.out()).traceHash).toBe(results.traceHash);
    // --help lists the keys --json really prints, in order.
    const listed = /print the result as JSON \(([^)]*)\)/.exec(runCommand.usage)?.[1]?.split(/,\s*/);
    expect(listed).toEqual(Object.keys(JSON.parse(json.out())));
  }, 120_000);

  it("a scenario or flag error exits non-zero and writes nothing; a foreign folder is never replaced", async () => {
    const root = mkdtempSync(join(tmpdir(), "tt-run-"));
    const out = join(root, "report");
    for (const [args, code, message] of [
      // A bad --set value is a bad flag value, exit 2 like any other; the bad file below is 1.
      [["--set", "vms[0].vcpus=many"], 2, /--set vms\[0\]\.vcpus=many: vms\[0\]\.vcpus: expected number/],
      [["--set", "vms[0].vcpu=2"], 2, /unknown key 'vcpu' \(did you mean 'vcpus'\?\)/],
      [["--set", "vms[0].cores=2"], 2, /unknown key 'cores'; known: name, instanceType/],
      [["--set", "duration=1m,2m"], 2, /takes one value per key/],
      [["--seed", "1.5"], 2, /--seed expects an integer >= 0/],
    ] as [string[], number, RegExp][]) {
      const io = fakeIO();
      expect(await main(["run", HOST, ...args, "--out", out], io)).toBe(code);
      expect(io.err()).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
    // --tui's own refusals come first, whatever the values: a valid one and an invalid one.
    for (const value of ["duration=20m", "duration=1s"]) {
      const tui = fakeIO();
      expect(await main(["run", HOST, "--tui", "--set", value], tui)).toBe(2);
      expect(tui.err()).toMatch(/^twintune: --tui does not take --set yet/);
    }
    const bad = join(root, "bad.yaml");
    writeFileSync(bad, "name: bad\nhost:\n  model: seed-2s16c\nvms:\n  - name: a\n    vcpus: two\n");
    const io = fakeIO();
    expect(await main(["run", bad, "--out", out], io)).toBe(1);
    expect(io.err()).toMatch(/bad\.yaml:6:\d+: vms\[0\]\.vcpus: expected number, got "two"/);
    expect(existsSync(out)).toBe(false);
    const foreign = join(root, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "notes.txt"), "mine");
    const refused = fakeIO();
    expect(await main(["run", HOST, "--set", "duration=2m", "--out", foreign], refused)).toBe(1);
    expect(refused.err()).toMatch(/does not hold a twintune report/);
    expect(readdirSync(foreign)).toEqual(["notes.txt"]);
  }, 120_000);
});
