import { describe, expect, it } from "vitest";
import { annotateBefore } from "../../src/flamegraph/diff.js";
import { parseFolded } from "../../src/flamegraph/folded-parser.js";
import { buildFrameTree } from "../../src/flamegraph/frame-tree.js";
import { renderSvg } from "../../src/flamegraph/svg-renderer.js";
import { svgFrames } from "./svg-frames.js";

const svgOf = (folded: string, options = {}) => renderSvg(buildFrameTree(parseFolded(folded)), options);

describe("renderSvg (flamegraph.pl's rules)", () => {
  it("draws each path once, merged per level in alphabetical order, width proportional to samples", () => {
    // total 10 → 1180 px / 10 = 118 px per sample; 4 levels → height 4·16 + 36 + 34 = 134.
    const { svg, drawn, pruned } = svgOf("other 4\nmain;b;x 2\nmain;a;y 3\nmain;a 1\n");
    expect(svg).toMatch(/<svg version="1.1" width="1200" height="134"/);
    expect(drawn).toBe(7);
    expect(pruned).toBe(0);
    const frames = svgFrames(svg);
    expect(frames.map((f) => [f.name, f.samples, f.x, f.width, f.y])).toEqual([
      ["all", 10, 10, 1180, 85],
      ["main", 6, 10, 708, 69],
      ["a", 4, 10, 472, 53],
      ["y", 3, 10, 354, 37],
      ["b", 2, 482, 236, 53],
      ["x", 2, 482, 236, 37],
      ["other", 4, 718, 472, 69],
    ]);
    expect(frames[1]?.title).toBe("main (6 samples, 60.00%)");
    // A child never sticks out of its parent.
    expect(frames[3]?.width).toBeLessThanOrEqual(frames[2]?.width as number);
  });

  it("prunes frames narrower than the minimum width, with everything above them", () => {
    const folded = "main;hot 99998\nmain;cold;deeper;deepest 1\nmain;tiny 1\n";
    // 1 sample of 100,000 is 0.0118 px: under 0.1 px.
    const names = svgFrames(svgOf(folded).svg).map((f) => f.name);
    expect(names).toEqual(["all", "main", "hot"]);
    expect(svgOf(folded).pruned).toBe(2);
    const all = svgFrames(svgOf(folded, { minWidth: 0 }).svg).map((f) => f.name);
    expect(all).toEqual(["all", "main", "cold", "deeper", "deepest", "hot", "tiny"]);
    // The height follows the drawn depth: 3 levels when the deep stack is pruned.
    expect(svgOf(folded).svg).toMatch(/height="118"/);
  });

  it("labels a frame when 3 characters fit, truncating with '..', and escapes names", () => {
    const long = "a_very_long_function_name_that_cannot_fit";
    const frames = svgFrames(svgOf(`main;${long} 1\nmain;<T&U> 400\nmain;z 199\n`).svg);
    const narrow = frames.find((f) => f.name === long);
    // 1/600 of 1180 px = 1.97 px: no room for 3 characters of 7.08 px.
    expect(narrow?.label).toBe("");
    const z = frames.find((f) => f.name === "z");
    // 199/600 · 1180 = 391.4 px → 55 characters: fits whole.
    expect(z?.label).toBe("z");
    expect(frames.find((f) => f.name === "<T&U>")?.label).toBe("<T&U>");
    const medium = svgFrames(svgOf(`main;${long} 10\nmain;other 90\n`).svg).find((f) => f.name === long);
    // 118 px → int(118 / 7.08) = 16 characters: 14 and "..".
    expect(medium?.label).toBe(`${long.slice(0, 14)}..`);
  });

  it("colours a differential graph by the change in self share: red more, blue less, none neutral", () => {
    const before = buildFrameTree(parseFolded("main;a 5\nmain;b 5\n"));
    const after = annotateBefore(buildFrameTree(parseFolded("main;a 16\nmain;b 4\n")), before);
    const frames = svgFrames(renderSvg(after, { diffBeforeTotal: 10 }).svg);
    const fill = (name: string) => frames.find((f) => f.name === name)?.fill;
    // a: 50% → 80% (+30 points, the largest: full red); b: 50% → 20% (−30: full blue).
    expect(fill("a")).toBe("rgb(255,0,0)");
    expect(fill("b")).toBe("rgb(0,0,255)");
    expect(fill("main")).toBe("rgb(250,250,250)");
    expect(frames.find((f) => f.name === "a")?.title).toBe("a (16 samples, 80.00%; self 5 → 16, +30.00%)");
  });
});
