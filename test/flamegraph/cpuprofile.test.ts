import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCpuProfile } from "../../src/flamegraph/cpuprofile.js";
import { cpuProfileStacks, sampleWeights } from "../../src/flamegraph/cpuprofile-stacks.js";
import { ProfileParseError } from "../../src/flamegraph/parse-error.js";
import { expectParseErrorOrResult } from "./arbitraries.js";
import { smallCpuProfile } from "./cpuprofile-fixture.js";

const pretty = () => JSON.stringify(smallCpuProfile(), null, 2);

function errorOf(text: string): ProfileParseError {
  try {
    parseCpuProfile(text, "app.cpuprofile");
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileParseError);
    return error as ProfileParseError;
  }
  throw new Error("expected a ProfileParseError");
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;

describe(".cpuprofile", () => {
  it("weights each sample by the time to the next one, not by a count", () => {
    expect([...sampleWeights(smallCpuProfile())]).toEqual([100, 200, 50, 25, 15]);
    const profile = cpuProfileStacks(parseCpuProfile(pretty()));
    expect(profile.unit).toBe("microseconds");
    expect([...profile.stacks]).toEqual([
      ["main /app/a.js:1;work /app/a.js:5", 315],
      ["main /app/a.js:1", 50],
      ["(idle)", 25],
    ]);
    expect(cpuProfileStacks(smallCpuProfile(), { dropIdle: true }).stacks.has("(idle)")).toBe(false);
  });

  it("names the line of a JSON syntax error", () => {
    const text = pretty().replace('"startTime": 1000,', '"startTime": 1000,,');
    const error = errorOf(text);
    expect(error.line).toBe(lineOf(text, '"startTime"'));
    expect(error.message).toMatch(/^app\.cpuprofile:\d+: invalid JSON/);
  });

  it("names the line and JSON path of a value that parses but is wrong", () => {
    const broken = smallCpuProfile() as unknown as { nodes: Record<string, unknown>[] };
    delete (broken.nodes[2] as Record<string, unknown>).callFrame;
    const text = JSON.stringify(broken, null, 2);
    const error = errorOf(text);
    expect(error.message).toMatch(/nodes\[2\]\.callFrame: expected a call frame object/);
    expect(error.line).toBe(lineOf(text, '"id": 3') - 1); // the node's opening brace

    const dangling = smallCpuProfile();
    dangling.samples[3] = 99;
    const text2 = JSON.stringify(dangling, null, 2);
    const error2 = errorOf(text2);
    expect(error2.message).toMatch(/samples\[3\]: expected the id of a node/);
    expect(error2.line).toBe(lineOf(text2, "99"));
  });

  it("rejects two parents, cycles, and deltas that do not match the samples", () => {
    const twoParents = smallCpuProfile();
    (twoParents.nodes[2] as { children?: number[] }).children = [2];
    expect(errorOf(JSON.stringify(twoParents)).message).toMatch(/has two/);
    const cycle = smallCpuProfile();
    cycle.nodes.push(
      { id: 5, callFrame: { functionName: "x", url: "", lineNumber: 0, columnNumber: 0 }, children: [6] },
      { id: 6, callFrame: { functionName: "y", url: "", lineNumber: 0, columnNumber: 0 }, children: [5] },
    );
    expect(errorOf(JSON.stringify(cycle)).message).toMatch(/cycle/);
    const short = smallCpuProfile();
    short.timeDeltas.pop();
    expect(errorOf(JSON.stringify(short)).message).toMatch(/as many time deltas as samples/);
  });

  it("never crashes on edited or arbitrary JSON (fuzz)", () => {
    const base = pretty();
    const edited = fc
      .array(fc.tuple(fc.nat(base.length), fc.nat(6), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 4 })
      .map((edits) =>
        edits.reduce((text, [at, cut, insert]) => text.slice(0, at) + insert + text.slice(at + cut), base),
      );
    const structured = fc
      .tuple(fc.constantFrom("nodes", "samples", "timeDeltas", "startTime", "endTime"), fc.nat(5), fc.jsonValue())
      .map(([key, index, value]) => {
        const profile = smallCpuProfile() as unknown as Record<string, unknown>;
        const field = profile[key];
        if (Array.isArray(field) && index < field.length) field[index] = value;
        else profile[key] = value;
        return JSON.stringify(profile, null, 1);
      });
    fc.assert(
      fc.property(fc.oneof(edited, structured, fc.json()), (text) => {
        const error = expectParseErrorOrResult(() => cpuProfileStacks(parseCpuProfile(text)));
        if (error !== undefined) {
          expect(error.line).toBeGreaterThanOrEqual(1);
          expect(error.line).toBeLessThanOrEqual(text.split("\n").length);
        }
      }),
      { seed: 31337, numRuns: 1500 },
    );
  });
});
