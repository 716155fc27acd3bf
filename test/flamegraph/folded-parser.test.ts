import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFolded } from "../../src/flamegraph/folded-parser.js";
import { formatFolded } from "../../src/flamegraph/folded-writer.js";
import { ProfileParseError } from "../../src/flamegraph/parse-error.js";
import { expectParseErrorOrResult, frameName } from "./arbitraries.js";

describe("parseFolded", () => {
  it("reads stacks root first with their counts, summing repeats, decimals, CRLF and blank lines", () => {
    const profile = parseFolded("main;a;b 3\r\n\nmain;a 2\nmain;a;b 4\nmain;c\t1.5\n  \n");
    expect([...profile.stacks]).toEqual([
      ["main;a;b", 7],
      ["main;a", 2],
      ["main;c", 1.5],
    ]);
    expect(profile.unit).toBe("samples");
  });

  it("keeps spaces inside frame names: the count is the last field", () => {
    expect([...parseFolded("java;Foo.bar (inlined);x y 10").stacks]).toEqual([["java;Foo.bar (inlined);x y", 10]]);
  });

  it.each([
    ["main;a 3\nmain;b\n", 2, /expected 'frame;frame;\.\.\. COUNT'/],
    ["main;a 3\nmain;b x\n", 2, /expected a sample count/],
    ["main;a -3\n", 1, /expected a sample count/],
    ["\n\nmain;;b 1\n", 3, /empty frame name/],
    ["main; 1\n", 1, /empty frame name/],
    ["a;b 1\na;b 2 3\n", 2, /two counts/],
    ["a 1\n 5\n", 2, /expected a stack before the count/],
  ])("rejects %j at line %i", (text, line, message) => {
    let caught: unknown;
    try {
      parseFolded(text, "cpu.folded");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProfileParseError);
    expect((caught as ProfileParseError).line).toBe(line);
    expect((caught as Error).message).toMatch(new RegExp(`^cpu\\.folded:${line}: `));
    expect((caught as Error).message).toMatch(message);
  });

  it("round-trips through formatFolded (property)", () => {
    const stack = fc.array(frameName, { minLength: 1, maxLength: 6 }).map((frames) => frames.join(";"));
    fc.assert(
      fc.property(fc.dictionary(stack, fc.integer({ min: 1, max: 1e9 }), { minKeys: 0, maxKeys: 30 }), (stacks) => {
        const profile = { stacks: new Map(Object.entries(stacks)), unit: "samples" };
        const parsed = parseFolded(formatFolded(profile));
        expect(new Map([...parsed.stacks].sort())).toEqual(new Map([...profile.stacks].sort()));
      }),
      { seed: 9001, numRuns: 200 },
    );
  });

  it("never crashes on arbitrary text: a profile or a ProfileParseError with a line number (fuzz)", () => {
    const line = fc.oneof(
      fc.string({ unit: fc.constantFrom("a", "b", ";", " ", "\t", "1", "2", ".", "-", "\r", "x") }),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const text = lines.join("\n");
        const error = expectParseErrorOrResult(() => parseFolded(text));
        if (error !== undefined) {
          expect(error.line).toBeGreaterThanOrEqual(1);
          expect(error.line).toBeLessThanOrEqual(lines.length);
        }
      }),
      { seed: 424242, numRuns: 2000 },
    );
  });
});
