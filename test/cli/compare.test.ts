import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { loadPolicy } from "../../src/scenario/policy-file.js";
import { fakeIO } from "../helpers/fake-io.js";

const FLEET = join(import.meta.dirname, "..", "fixtures", "scenarios", "tiny-fleet.yaml");
const POLICIES = join(import.meta.dirname, "..", "..", "scenarios", "policies");

function policyFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tt-policy-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("twintune compare", () => {
  it("runs both policies on the same seeds and reports paired differences and the winner, the same every time", async () => {
    const dir = policyFiles({
      "sizes.yaml": "name: sizes-only\ntuning:\n  components: [rightsizing]\n",
      "both.yaml": "name: sizes-and-spot\ntuning:\n  components: [rightsizing, cost]\n",
    });
    const args = [
      "compare",
      FLEET,
      "--policy",
      join(dir, "sizes.yaml"),
      "--policy",
      join(dir, "both.yaml"),
      "--seeds",
      "1-5",
      "--workers",
      "2",
    ];
    const io = fakeIO();
    expect(await main([...args, "--json"], io)).toBe(0);
    const result = JSON.parse(io.out());
    expect(result.policies.A.name).toBe("sizes-only");
    expect(result.seeds).toEqual([1, 2, 3, 4, 5]);
    const cost = result.metrics.find((m: { key: string }) => m.key === "monthlyCostUsd");
    // Paired: the difference's mean is the difference of the means.
    expect(cost.difference.mean).toBeCloseTo(cost.b.mean - cost.a.mean, 6);
    expect(["A", "B", null]).toContain(result.winner);
    const again = fakeIO();
    expect(await main([...args, "--json"], again)).toBe(0);
    expect(again.out()).toBe(io.out());
    const text = fakeIO();
    expect(await main(args, text)).toBe(0);
    expect(text.out()).toMatch(/A = sizes-only .* B = sizes-and-spot .* 5 seeds, common random numbers/);
    expect(text.out()).toMatch(/B - A \(95% CI\)/);
    expect(text.out()).toMatch(/runs converged +\d of 5 +\d of 5 +[+-]\d runs? /);
    expect(text.out().trimEnd().split("\n").at(-1)).toBe(result.verdict);
  }, 120_000);

  it("--out keeps every run and the result; --resume reruns only what is missing or stale", async () => {
    const dir = policyFiles({
      "sizes.yaml": "name: sizes-only\ntuning:\n  components: [rightsizing]\n",
      "both.yaml": "name: sizes-and-spot\ntuning:\n  components: [rightsizing, cost]\n",
    });
    const out = join(dir, "cmp");
    const args = ["compare", FLEET, "--policy", join(dir, "sizes.yaml"), "--policy", join(dir, "both.yaml")];
    const first = fakeIO();
    expect(await main([...args, "--seeds", "1-3", "--out", out, "--json"], first)).toBe(0);
    expect(readdirSync(join(out, "runs")).sort()).toEqual(
      ["p0-seed1", "p0-seed2", "p0-seed3", "p1-seed1", "p1-seed2", "p1-seed3"].map((id) => `${id}.json`),
    );
    expect(JSON.parse(readFileSync(join(out, "comparison.json"), "utf8"))).toEqual(JSON.parse(first.out()));
    // The same folder again needs --resume; with it, nothing is run again and the result is the same.
    const refused = fakeIO();
    expect(await main([...args, "--seeds", "1-3", "--out", out], refused)).toBe(1);
    expect(refused.err()).toMatch(/holds a comparison already: add --resume/);
    // A sweep cannot resume a comparison's folder, so it is not told to try.
    const asSweep = fakeIO();
    expect(await main(["sweep", FLEET, "--seeds", "1", "--out", out], asSweep)).toBe(1);
    expect(asSweep.err()).toMatch(/holds a comparison, not a sweep: choose another --out\n$/);
    const resumed = fakeIO();
    expect(await main([...args, "--seeds", "1-3", "--out", out, "--resume"], resumed)).toBe(0);
    expect(resumed.out()).toMatch(/\(6 of 6 runs reused from /);
    // A policy edited since: its runs are stale and run again; the other policy's are reused.
    writeFileSync(join(dir, "both.yaml"), "name: sizes-and-spot\ntuning:\n  components: [cost]\n");
    const edited = fakeIO();
    expect(await main([...args, "--seeds", "1-3", "--out", out, "--resume"], edited)).toBe(0);
    expect(edited.out()).toMatch(/\(3 of 6 runs reused from /);
    // Another policy name is another comparison.
    writeFileSync(join(dir, "both.yaml"), "name: spot\ntuning:\n  components: [cost]\n");
    const other = fakeIO();
    expect(await main([...args, "--seeds", "1-3", "--out", out, "--resume"], other)).toBe(1);
    expect(other.err()).toMatch(
      /holds a comparison of .* policy=sizes-only,sizes-and-spot; --resume needs the same scenario, policies and --set values/,
    );
    const bare = fakeIO();
    expect(await main([...args, "--resume"], bare)).toBe(2);
    expect(bare.err()).toMatch(/--resume continues the comparison kept in --out DIR: give --out/);
  }, 120_000);

  it("policy files are checked: unknown keys and bad values name the file, line and key", async () => {
    const dir = policyFiles({
      "typo.yaml": "name: typo\ntuning:\n  degradationTreshold: 0.1\n",
      "bad.yaml": "name: bad\ntuning:\n  maxConcurrent: lots\n",
      "top.yaml": "name: top\ntunning: {}\n",
      "empty.yaml": "name: empty\ntuning: {}\n",
    });
    const careful = join(POLICIES, "careful.yaml");
    const cases: [string, RegExp][] = [
      [
        "typo.yaml",
        /typo\.yaml:3:\d+: tuning\.degradationTreshold: unknown key 'degradationTreshold' \(did you mean 'degradationThreshold'\?\)/,
      ],
      ["bad.yaml", /bad\.yaml:3:\d+: tuning\.maxConcurrent: expected number, got "lots"/],
      ["top.yaml", /top\.yaml:2:\d+: tunning: unknown key 'tunning'; a policy has name, description, tuning/],
      ["empty.yaml", /empty\.yaml:2:\d+: tuning: expected at least one tuning setting/],
    ];
    for (const [file, message] of cases) {
      const io = fakeIO();
      expect(await main(["compare", FLEET, "--policy", join(dir, file), "--policy", careful], io)).toBe(1);
      expect(io.err()).toMatch(message);
      expect(io.out()).toBe("");
    }
    const one = fakeIO();
    expect(await main(["compare", FLEET, "--policy", careful], one)).toBe(2);
    expect(one.err()).toMatch(/needs exactly two --policy files, got 1/);
    const same = fakeIO();
    expect(await main(["compare", FLEET, "--policy", careful, "--policy", careful], same)).toBe(2);
    expect(same.err()).toMatch(/both policies are named 'careful'/);
  });

  it("the shipped policies load", () => {
    expect(loadPolicy(join(POLICIES, "careful.yaml")).overrides.map((o) => o.path.join("."))).toEqual([
      "tuning.maxConcurrent",
      "tuning.validation",
      "tuning.degradationThreshold",
    ]);
    expect(loadPolicy(join(POLICIES, "eager.yaml")).name).toBe("eager");
  });
});
