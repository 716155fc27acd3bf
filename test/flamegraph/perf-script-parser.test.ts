import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProfileParseError } from "../../src/flamegraph/parse-error.js";
import { parsePerfScript } from "../../src/flamegraph/perf-script-parser.js";
import { detectFormat } from "../../src/flamegraph/profile-loader.js";
import { expectParseErrorOrResult } from "./arbitraries.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "profiles");

// Hand-written in perf script's default layout; expected stacks worked out by stackcollapse-perf.pl's rules.
const SAMPLE = `# ========
# captured on: Mon Jan  1 00:00:00 2024
# ========
#
app 100/101 [001] 12.000001:     250000 cpu-clock:pppH:
\t    7f0001 compute+0x1a (/usr/bin/app)
\t    7f0002 std::vector<int>::push_back(int const&)+0x10 (/usr/bin/app)
\t    7f0003 main+0x5 (/usr/bin/app)
\t    7f0004 __libc_start_main+0xf3 (/usr/lib/libc.so.6)

app 100/101 [001] 12.004001:     250000 cpu-clock:pppH:
\t    ffffffff81000001 do_syscall_64+0x33 ([kernel.kallsyms])
\t    7f0005 [unknown] (/usr/lib/libfoo.so.1)
\t    7f0003 main+0x5 (/usr/bin/app)
\t    7f0004 __libc_start_main+0xf3 (/usr/lib/libc.so.6)

app 100/101 [000] 12.006001:          1 page-faults:
\t    7f0001 compute+0x1a (/usr/bin/app)

app 100/101 [001] 12.008001:     250000 cpu-clock:pppH:
\t    7f0006 main.(*Server).serve+0x40 (/usr/bin/app)
\t    7f0007 v8::internal::(anonymous namespace)::Invoke+0x12b (/usr/bin/node)
`;

describe("parsePerfScript", () => {
  it("folds samples as stackcollapse-perf.pl does", () => {
    const profile = parsePerfScript(SAMPLE);
    expect(profile.unit).toBe("samples");
    expect([...profile.stacks]).toEqual([
      ["app;__libc_start_main;main;std::vector<int>::push_back;compute", 1],
      ["app;__libc_start_main;main;libfoo.so.1;do_syscall_64_[k]", 1],
      // The page-faults sample is a second event type: dropped.
      ["app;v8::internal::(anonymous namespace)::Invoke;main.(*Server).serve", 1],
    ]);
    expect(profile.notes).toEqual([
      "kept the cpu-clock samples; left out 1 of other events (page-faults): record or script one event at a time to see them",
    ]);
  });

  it("takes one event whatever its modifiers (cpu-clock:pppH and cpu-clock: are one)", () => {
    const text =
      "app 1 1.0: 1 cpu-clock:pppH:\n\t    7f01 main (/bin/app)\n\napp 1 2.0: 1 cpu-clock:\n\t    7f01 main (/bin/app)\n";
    const profile = parsePerfScript(text);
    expect([...profile.stacks]).toEqual([["app;main", 2]]);
    expect(profile.notes).toBeUndefined();
  });

  it("reads perf record without -g (one line per sample) as one-frame stacks, and is detected as perf script", () => {
    // Lines as perf 6.1 prints them for a recording without call graphs (command name padded).
    const flat = [
      "           burn0  4427  3679.781732:    2004008 cpu-clock:pppH:      55ae36b5f16a leaf_a+0x31 (/tmp/fg/burn0)",
      "           burn0  4427  3679.783735:    2004008 cpu-clock:pppH:      55ae36b5f166 leaf_a+0x2d (/tmp/fg/burn0)",
      "           burn0  4427  3679.785779:    2004008 cpu-clock:pppH:      55ae36b5f1b3 leaf_b+0x31 (/tmp/fg/burn0)",
      "           burn0  4427  3679.787000:    2004008 cpu-clock:pppH:  ffffffff81000001 do_syscall_64+0x33 ([kernel.kallsyms])",
      "",
    ].join("\n");
    expect([...parsePerfScript(flat).stacks]).toEqual([
      ["burn0;leaf_a", 2],
      ["burn0;leaf_b", 1],
      ["burn0;do_syscall_64_[k]", 1],
    ]);
    expect(detectFormat(new TextEncoder().encode(flat))).toBe("perf-script");
  });

  it("reads a real recording of node --perf-basic-prof (perf 6.1): JIT frames marked _[j], offsets stripped", () => {
    const profile = parsePerfScript(readFileSync(join(FIXTURES, "node-perf-script.txt"), "utf8"));
    const stacks = [...profile.stacks.keys()];
    expect(stacks).toHaveLength(2);
    for (const stack of stacks) {
      const frames = stack.split(";");
      expect(frames[0]).toBe("node");
      expect(frames[1]).toBe("__libc_start_call_main");
      expect(frames.at(-1)).toBe("JS:*fib /srv/app/spin.js:1:13_[j]");
      expect(frames).toContain("v8::internal::(anonymous namespace)::Invoke");
      expect(stack).not.toMatch(/\+0x/);
    }
  });

  it.each([
    ["\tthis is not a frame\n", 1, /expected a frame/],
    ["app 1 1.0: 1 cpu-clock:\n\t    7f01 main (/bin/app)\ngarbage here\n", 3, /expected a sample header/],
    ["# header\n\t    7f01 main (/bin/app)\n", 2, /before any sample header/],
  ])("rejects %j at line %i", (text, line, message) => {
    let caught: unknown;
    try {
      parsePerfScript(text, "perf.txt");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProfileParseError);
    expect((caught as ProfileParseError).line).toBe(line);
    expect((caught as Error).message).toMatch(message);
  });

  it("never crashes on mutated or arbitrary input (fuzz)", () => {
    const lines = SAMPLE.split("\n");
    const mutated = fc
      .array(fc.tuple(fc.nat(lines.length - 1), fc.string({ maxLength: 12 }), fc.nat(80)), { maxLength: 6 })
      .map((edits) => {
        const copy = [...lines];
        for (const [index, text, at] of edits) {
          const line = copy[index] as string;
          copy[index] = line.slice(0, at) + text + line.slice(at + text.length);
        }
        return copy.join("\n");
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 200 })), (text) => {
        const error = expectParseErrorOrResult(() => parsePerfScript(text));
        if (error !== undefined) expect(error.line).toBeGreaterThanOrEqual(1);
      }),
      { seed: 77, numRuns: 2000 },
    );
  });
});
