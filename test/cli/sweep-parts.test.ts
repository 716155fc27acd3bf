import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { formatSeconds, progressLine } from "../../src/cli/progress-bar.js";
import { overridesFor, parseSetFlags, splitTopLevel } from "../../src/cli/set-flags.js";

describe("--set flags", () => {
  it("split values on commas outside brackets and quotes and read them as YAML", () => {
    expect(splitTopLevel("0.05,0.1")).toEqual(["0.05", "0.1"]);
    expect(splitTopLevel("[numa,io],[network]")).toEqual(["[numa,io]", "[network]"]);
    expect(splitTopLevel("'a,b',{x: 1, y: 2}")).toEqual(["'a,b'", "{x: 1, y: 2}"]);
    const [flag] = parseSetFlags(["tuning.components=[numa,io],[network]"], "sweep", true);
    expect(flag?.values).toEqual([["numa", "io"], ["network"]]);
    const [numbers] = parseSetFlags(["vms[0].vcpus=2,4"], "sweep", true);
    expect(numbers?.values).toEqual([2, 4]);
    expect(numbers?.path).toEqual(["vms", 0, "vcpus"]);
    const [duration] = parseSetFlags(["duration=20m"], "run", false);
    expect(duration?.values).toEqual(["20m"]);
  });

  it("give each grid point its overrides with labels saying what was set", () => {
    const flags = parseSetFlags(["a=1,2", "b=x,y"], "sweep", true);
    expect(overridesFor(flags, [1, 0])).toEqual([
      { path: ["a"], value: 2, label: "--set a=2" },
      { path: ["b"], value: "x", label: "--set b=x" },
    ]);
  });

  it("reject what is not key=value, repeats and several values where one is expected", () => {
    for (const [flags, multi, message] of [
      [["novalue"], true, /expects key=value/],
      [["=3"], true, /expects key=value/],
      [["a..b=1"], true, /not a key path/],
      [["a=1", "a=2"], true, /given twice/],
      [["a=1,1"], true, /listed twice/],
      [["a=1,"], true, /empty value/],
      [["a=1,2"], false, /one value per key/],
    ] as [string[], boolean, RegExp][]) {
      expect(() => parseSetFlags(flags, "sweep", multi)).toThrow(UsageError);
      expect(() => parseSetFlags(flags, "sweep", multi)).toThrow(message);
    }
  });
});

describe("the progress line", () => {
  it("shows the bar, the count, elapsed time and an ETA from this session's rate", () => {
    expect(progressLine(0, 10, 0, 0, 10)).toBe("[..........] 0/10 runs 0%  0s elapsed  ETA --");
    expect(progressLine(5, 10, 5, 50, 10)).toBe("[#####.....] 5/10 runs 50%  50s elapsed  ETA 50s");
    // Resumed: 4 found done, 2 run in 60 s → 4 left at 30 s each.
    expect(progressLine(6, 10, 2, 60, 10)).toBe("[######....] 6/10 runs 60%  1m00s elapsed  ETA 2m00s");
    expect(progressLine(10, 10, 10, 7200, 10)).toMatch(/100% {2}2h00m elapsed {2}done$/);
    expect(formatSeconds(3725)).toBe("1h02m");
  });
});
