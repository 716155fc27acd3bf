import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import { fakeIO } from "../helpers/fake-io.js";

const SCENARIOS = join(import.meta.dirname, "..", "..", "scenarios");
const shipped = readdirSync(SCENARIOS)
  .filter((name) => name.endsWith(".yaml"))
  .sort();

/** Short enough for a test: one tuning round and its validation on the host twin, a small fleet in the fluid mode. */
function shortRun(name: string): string[] {
  const scenario = loadScenario(join(SCENARIOS, name)).scenario;
  if (scenario.fleet !== undefined) return ["--set", "fleet.vms=60", "--set", "fleet.hosts=3"];
  return [
    "duration=2m",
    "tuning.interval=1m",
    "tuning.validation=1m",
    "evaluation.warmup=5s",
    "evaluation.window=15s",
  ].flatMap((set) => ["--set", set]);
}

describe("the shipped scenarios", () => {
  it("are the ones the README promises", () => {
    expect(shipped).toEqual([
      "fleet-rightsizing.yaml",
      "io-mixed.yaml",
      "noisy-neighbour.yaml",
      "numa-heavy.yaml",
      "seed-fleet.yaml",
      "spot-heavy.yaml",
      "wan-transfer.yaml",
    ]);
  });

  it.each(shipped)("%s loads, says what it teaches, and points editors at the schema", (name) => {
    const resolved = loadScenario(join(SCENARIOS, name));
    expect(resolved.warnings).toEqual([]);
    const text = readFileSync(join(SCENARIOS, name), "utf8");
    expect(text.startsWith("# yaml-language-server: $schema=scenario.schema.json")).toBe(true);
    if (name !== "seed-fleet.yaml") expect(text).toMatch(/^# What it teaches: /m);
  });

  it("the fleet of fleet-rightsizing has 1,000 VMs and numa-heavy's host has 8 nodes", () => {
    expect(loadScenario(join(SCENARIOS, "fleet-rightsizing.yaml")).scenario.fleet?.vms).toBe(1000);
    expect(loadScenario(join(SCENARIOS, "numa-heavy.yaml")).host.nodes).toHaveLength(8);
  });

  it.each(shipped)(
    "%s runs with 'twintune run' (shortened) and writes its report",
    async (name) => {
      const out = mkdtempSync(join(tmpdir(), `tt-${name}-`));
      const io = fakeIO();
      const code = await main(["run", join(SCENARIOS, name), ...shortRun(name), "--out", join(out, "report")], io);
      // Nothing but the progress line a slow run prints now and then (a loaded machine's).
      expect(io.err().replace(/^twintune: tuning .* simulated, last window .*\n/gm, "")).toBe("");
      expect(code).toBe(0);
      expect(io.out()).toMatch(/Before vs after auto-tuning/);
      const results = JSON.parse(readFileSync(join(out, "report", "results.json"), "utf8"));
      expect(results.result.baseline.throughputRps).toBeGreaterThan(0);
      expect(results.result.tuned.throughputRps).toBeGreaterThan(0);
      expect(results.scenario).toBe(name.replace(/\.yaml$/, ""));
    },
    180_000,
  );
});
