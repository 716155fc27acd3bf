import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareCommand } from "../../src/cli/commands/compare.js";
import { main } from "../../src/cli/main.js";
import { knownKeys } from "../../src/config/load-yaml.js";
import { ScenarioSchema } from "../../src/scenario/scenario-schema.js";
import { fakeIO } from "../helpers/fake-io.js";

const FLEET = join(import.meta.dirname, "..", "fixtures", "scenarios", "tiny-fleet.yaml");
const CAREFUL = join(import.meta.dirname, "..", "..", "scenarios", "policies", "careful.yaml");

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A working directory a few levels below a temporary one, as when running from a subfolder. */
function nestedCwd(): { top: string; cwd: string } {
  const top = mkdtempSync(join(tmpdir(), "tt-compare-errors-"));
  temps.push(top);
  const cwd = join(top, "a", "b", "c");
  mkdirSync(cwd, { recursive: true });
  return { top, cwd };
}

async function compare(args: string[], cwd: string) {
  const io = { ...fakeIO(), cwd };
  const code = await main(["compare", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe("twintune compare: paths in messages as the user typed them", () => {
  it("an absolute --policy path that does not exist is shown as typed, not relative to the directory", async () => {
    const { cwd } = nestedCwd();
    const result = await compare([FLEET, "--policy", CAREFUL, "--policy", "/nope-twintune-test.yaml"], cwd);
    expect(result).toMatchObject({
      code: 1,
      out: "",
      err: "twintune: /nope-twintune-test.yaml: cannot read: no such file\n",
    });
  });

  it("a relative --policy path is read from the working directory and named as typed", async () => {
    const { top, cwd } = nestedCwd();
    writeFileSync(join(top, "bad.yaml"), "name: bad\ntuning:\n  maxConcurrent: lots\n");
    writeFileSync(join(top, "typo.yaml"), "name: typo\ntuning:\n  degradationTreshold: 0.1\n");
    const bad = await compare([FLEET, "--policy", "../../../bad.yaml", "--policy", CAREFUL], cwd);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^twintune: \.\.\/\.\.\/\.\.\/bad\.yaml:3:\d+: tuning\.maxConcurrent: expected number/);
    const typo = await compare([FLEET, "--policy", "../../../typo.yaml", "--policy", CAREFUL], cwd);
    expect(typo.code).toBe(1);
    expect(typo.err).toMatch(/^twintune: \.\.\/\.\.\/\.\.\/typo\.yaml:3:\d+: tuning\.degradationTreshold: unknown key/);
    const missing = await compare([FLEET, "--policy", "../nope.yaml", "--policy", CAREFUL], cwd);
    expect(missing.err).toBe("twintune: ../nope.yaml: cannot read: no such file\n");
  });

  it("a --set that a policy also sets is refused: the policy's value would silently win", async () => {
    const { cwd } = nestedCwd();
    const eager = join(import.meta.dirname, "..", "..", "scenarios", "policies", "eager.yaml");
    const clash = await compare([FLEET, "--policy", CAREFUL, "--policy", eager, "--set", "tuning.validation=1m"], cwd);
    expect(clash.code).toBe(2);
    expect(clash.err).toMatch(
      /^twintune: --set tuning\.validation: policy .*careful\.yaml sets tuning\.validation, which would win over the flag\n/,
    );
    const whole = await compare([FLEET, "--policy", CAREFUL, "--policy", eager, "--set", "tuning={}"], cwd);
    expect(whole.err).toMatch(/--set tuning: policy .*careful\.yaml sets tuning\.maxConcurrent/);
  });

  it("the scenario is named as typed too", async () => {
    const { top, cwd } = nestedCwd();
    writeFileSync(join(top, "broken.yaml"), "name: broken\nduration: soon\n");
    const missing = await compare(
      ["../missing.yaml", "--policy", CAREFUL, "--policy", CAREFUL.replace("careful", "eager")],
      cwd,
    );
    expect(missing.err).toBe("twintune: ../missing.yaml: cannot read: no such file\n");
    const broken = await compare(
      ["../../../broken.yaml", "--policy", CAREFUL, "--policy", CAREFUL.replace("careful", "eager")],
      cwd,
    );
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^twintune: \.\.\/\.\.\/\.\.\/broken\.yaml:2:\d+: duration: /);
  });
});

describe("twintune compare --help", () => {
  it("lists every key a policy's tuning: section may set", () => {
    const keys = knownKeys(ScenarioSchema, ["tuning"]);
    expect(keys.length).toBeGreaterThan(5);
    const help = compareCommand.usage.replace(/\s+#\s+/g, " ");
    for (const key of keys) expect(help).toMatch(new RegExp(`\\b${key}\\b`));
  });
});
