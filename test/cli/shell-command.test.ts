import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shellCommand } from "../../src/cli/shell-command.js";

/** The words a real POSIX shell reads out of `line`. */
function wordsBySh(line: string): string[] {
  const out = execFileSync("sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

describe("shellCommand", () => {
  it("leaves plain words bare and quotes the rest", () => {
    expect(shellCommand(["twintune", "run", "scenarios/seed-fleet.yaml", "--set", "vms[0].vcpus=4"])).toBe(
      "twintune run scenarios/seed-fleet.yaml --set 'vms[0].vcpus=4'",
    );
    expect(shellCommand(["--set", "description=a b"])).toBe("--set 'description=a b'");
    expect(shellCommand(["it's"])).toBe(`'it'\\''s'`);
  });

  it("sh reads back exactly the words it was given", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ minLength: 1, unit: "binary-ascii" }).filter((w) => !w.includes("\0")),
          { minLength: 1, maxLength: 4 },
        ),
        (words) => {
          expect(wordsBySh(shellCommand(words))).toEqual(words);
        },
      ),
      { numRuns: 60 },
    );
  });
});
