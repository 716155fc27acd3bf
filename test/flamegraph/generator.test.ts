import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FlamegraphGenerator, ProfileParseError } from "../../src/index.js";
import { smallCpuProfile } from "./cpuprofile-fixture.js";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "twintune-gen-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("FlamegraphGenerator (the seed document's API)", () => {
  it("generate(path) writes SVG and HTML and returns the hotspots over the threshold", async () => {
    const dir = scratch();
    const input = join(dir, "app.cpuprofile");
    writeFileSync(input, JSON.stringify(smallCpuProfile()));
    const generator = new FlamegraphGenerator({
      outputDir: join(dir, "out"),
      interactiveHtml: true,
      hotspotThreshold: 0.1,
    });
    const fg = await generator.generate(input);
    expect(fg.format).toBe("cpuprofile");
    expect(fg.unit).toBe("microseconds");
    expect(fg.total).toBe(390);
    // work 315 of 390 µs (80.8%), main 50 (12.8%), (idle) 25 (6.4%: under 10%).
    expect(fg.hotspots.map((h) => [h.functionName, h.samples])).toEqual([
      ["work /app/a.js:5", 315],
      ["main /app/a.js:1", 50],
    ]);
    expect(fg.hotspots[0]?.percentage).toBeCloseTo(315 / 390, 12);
    expect(fg.svgPath).toBe(join(dir, "out", "app.svg"));
    expect(readFileSync(fg.svgPath, "utf8")).toMatch(
      /<title>work \/app\/a\.js:5 \(315 microseconds, 80\.77%\)<\/title>/,
    );
    expect(existsSync(fg.htmlPath as string)).toBe(true);
  });

  it("diffFlamegraphs compares two profiles; one against itself has no changes", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "before.folded"), "main;a 50\nmain;b 50\n");
    writeFileSync(join(dir, "after.folded"), "main;a 75\nmain;b 25\n");
    const generator = new FlamegraphGenerator({ outputDir: dir });
    const diff = await generator.diffFlamegraphs(join(dir, "before.folded"), join(dir, "after.folded"));
    expect(diff.changes.map((c) => [c.functionName, c.changePercent])).toEqual([
      ["a", 25],
      ["b", -25],
    ]);
    expect(readFileSync(diff.svgPath as string, "utf8")).toMatch(/Differential Flame Graph/);
    expect((await generator.diffFlamegraphs(join(dir, "after.folded"), join(dir, "after.folded"))).changes).toEqual([]);
    const quiet = new FlamegraphGenerator({ outputDir: join(dir, "none"), diffEnabled: false, interactiveHtml: false });
    const only = await quiet.diffFlamegraphs(join(dir, "before.folded"), join(dir, "after.folded"));
    expect(only.svgPath).toBeUndefined();
    expect(existsSync(join(dir, "none"))).toBe(false);
  });

  it("a malformed profile is a ProfileParseError naming the file and line", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "bad.folded"), "main;a 1\nmain;b one\n");
    const generator = new FlamegraphGenerator({ outputDir: dir });
    await expect(generator.generate(join(dir, "bad.folded"))).rejects.toThrow(ProfileParseError);
    await expect(generator.generate(join(dir, "bad.folded"))).rejects.toThrow(/bad\.folded:2: expected a sample count/);
  });
});
