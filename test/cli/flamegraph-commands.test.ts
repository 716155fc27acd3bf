import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { stacksToPprof } from "../../src/profiler/stacks-pprof.js";
import { fakeIO } from "../helpers/fake-io.js";
import { tempFolders } from "../helpers/temp-folders.js";

const temp = tempFolders();
const workspace = (files: Record<string, string>) => temp("twintune-fg-", files);

const inDir = (dir: string) => ({ ...fakeIO(), cwd: dir });

describe("twintune flamegraph", () => {
  it("writes the SVG (default name) and the HTML page, and says what it drew", async () => {
    const dir = workspace({ "cpu.folded": "main;a 3\nmain;b 1\n" });
    const io = inDir(dir);
    expect(await main(["flamegraph", "cpu.folded", "--html", "cpu.html"], io)).toBe(0);
    // --html alone writes only the page; without outputs the SVG goes to <name>.svg.
    expect(io.out()).toMatch(/^wrote cpu\.html: 4 samples \(folded\), 4 frames drawn/);
    const io2 = inDir(dir);
    expect(await main(["flamegraph", "cpu.folded"], io2)).toBe(0);
    expect(readFileSync(join(dir, "cpu.svg"), "utf8")).toMatch(/<title>a \(3 samples, 75\.00%\)<\/title>/);
    expect(readFileSync(join(dir, "cpu.html"), "utf8")).toMatch(/<script id="flame-data" type="application\/json">/);
  });

  it("--json prints the tree in d3-flame-graph's shape", async () => {
    const dir = workspace({ "cpu.folded": "main;a 3\nmain;b 1\n" });
    const io = inDir(dir);
    expect(await main(["flamegraph", "cpu.folded", "--json"], io)).toBe(0);
    const report = JSON.parse(io.out());
    expect(report.total).toBe(4);
    expect(report.tree).toEqual({
      name: "all",
      value: 4,
      self: 0,
      children: [
        {
          name: "main",
          value: 4,
          self: 0,
          children: [
            { name: "a", value: 3, self: 3, children: [] },
            { name: "b", value: 1, self: 1, children: [] },
          ],
        },
      ],
    });
  });

  it("--diff draws a differential graph and lists the largest changes; a profile against itself has none", async () => {
    const dir = workspace({ "before.folded": "main;a 5\nmain;b 5\n", "after.folded": "main;a 8\nmain;b 2\n" });
    const io = inDir(dir);
    expect(await main(["flamegraph", "after.folded", "--diff", "before.folded", "-o", "d.svg"], io)).toBe(0);
    expect(io.out()).toMatch(/a\s+50\.00%\s+80\.00%\s+\+30\.00 pts/);
    expect(io.out()).toMatch(/b\s+50\.00%\s+20\.00%\s+-30\.00 pts/);
    expect(readFileSync(join(dir, "d.svg"), "utf8")).toMatch(/Differential Flame Graph/);
    const same = inDir(dir);
    expect(await main(["flamegraph", "after.folded", "--diff", "after.folded", "--json"], same)).toBe(0);
    expect(JSON.parse(same.out()).changes).toEqual([]);
  });

  it("a malformed input exits 1 naming the file and line; a bad flag value exits 2", async () => {
    const dir = workspace({ "bad.folded": "main;a 3\nmain;b\n" });
    const io = inDir(dir);
    expect(await main(["flamegraph", "bad.folded"], io)).toBe(1);
    expect(io.err()).toMatch(/^twintune: bad\.folded:2: expected 'frame;frame;\.\.\. COUNT'/);
    const missing = inDir(dir);
    expect(await main(["hotspots", "nope.pb.gz"], missing)).toBe(1);
    expect(missing.err()).toBe("twintune: nope.pb.gz: no such file\n");
    const pprof = stacksToPprof({ stacks: new Map([["main;a", 3]]), unit: "samples" }, 0, 1000);
    writeFileSync(join(dir, "cpu.pb.gz"), pprof);
    const forced = inDir(dir);
    expect(await main(["hotspots", "cpu.pb.gz", "--format", "perf-script"], forced)).toBe(1);
    expect(forced.err()).toBe(
      "twintune: cpu.pb.gz: is a pprof profile (binary), not perf-script; leave out --format\n",
    );
    // A text profile with a stray control byte reads as pprof by guess; --format folded reads it.
    writeFileSync(join(dir, "stray.folded"), "main;x\u0001ctl 1\nmain;y 2\n");
    const guessed = inDir(dir);
    expect(await main(["hotspots", "stray.folded"], guessed)).toBe(1);
    expect(guessed.err()).toMatch(
      /read as pprof for the control bytes near its start; if it is text, give --format folded/,
    );
    const told = inDir(dir);
    expect(await main(["hotspots", "stray.folded", "--format", "folded", "--threshold", "0"], told)).toBe(0);
    expect(told.out()).toMatch(/^y\s/m);
    const usage = inDir(dir);
    expect(await main(["flamegraph", "bad.folded", "--min-width", "wide"], usage)).toBe(2);
    expect(usage.err()).toMatch(/--min-width expects a number/);
  });
});

describe("twintune hotspots", () => {
  it("lists functions by self share over the threshold, as a table or JSON", async () => {
    const dir = workspace({ "p.folded": "main;f 6\nmain;g;f 2\nmain;g 1\nmain 1\n" });
    const io = inDir(dir);
    expect(await main(["hotspots", "p.folded", "--threshold", "0.15"], io)).toBe(0);
    const lines = io.out().split("\n");
    expect(lines[2]).toMatch(/^f\s+80\.00%\s+8\s+80\.00%\s+8$/);
    expect(io.out()).not.toMatch(/^g /m);
    const json = inDir(dir);
    expect(await main(["hotspots", "p.folded", "--json"], json)).toBe(0);
    const report = JSON.parse(json.out());
    expect(report.hotspots.map((h: { functionName: string }) => h.functionName)).toEqual(["f", "g", "main"]);
    expect(report.hotspots[1]).toMatchObject({ samples: 1, percentage: 0.1, totalSamples: 3 });
    const bad = inDir(dir);
    expect(await main(["hotspots", "p.folded", "--threshold", "5"], bad)).toBe(2);
  });
});
