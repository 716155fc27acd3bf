// npm run -s bench:flamegraph
// Renders a folded profile of 1,000,000 lines (≥200,000 distinct stacks) to an SVG flame graph,
// the way `twintune flamegraph` does: read, parse, merge into the frame tree, lay out, write.
// Target (issue 9): under 3 s. Prints one JSON line per run and a summary line with medians.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import seedrandom from "seedrandom";
import { parseFoldedFile } from "../src/flamegraph/folded-parser.js";
import { drawThreshold, GEOMETRY } from "../src/flamegraph/frame-layout.js";
import { buildFrameTree } from "../src/flamegraph/frame-tree.js";
import { renderHtml } from "../src/flamegraph/html-renderer.js";
import { totalWeight } from "../src/flamegraph/stack-profile.js";
import { renderSvg } from "../src/flamegraph/svg-renderer.js";
import { median, timeIt } from "./median.js";

const LINES = 1_000_000;
const DISTINCT = 250_000;
const RUNS = 5;

/**
 * A synthetic but realistic profile: a call graph of 3,000 functions in 60 packages where each
 * function calls a few others, stacks as random walks 4–33 frames deep from a handful of entry
 * points (so prefixes are shared as in real programs), counts skewed towards a few hot stacks.
 */
function writeSynthetic(path: string): number {
  const random = seedrandom.alea("twintune-flamegraph-bench");
  const names = Array.from({ length: 3000 }, (_, k) => `p${k % 60}.fn${k}`);
  const callees = names.map(() =>
    Array.from({ length: 2 + Math.floor(random() * 5) }, () => Math.floor(random() * names.length)),
  );
  const entries = ["main", "worker", "gc", "timers", "http"];
  const stacks = new Set<string>();
  while (stacks.size < DISTINCT) {
    const frames = [entries[Math.floor(random() * entries.length)] as string];
    let at = Math.floor(random() * 50);
    const depth = 3 + Math.floor(random() * 30);
    for (let d = 0; d < depth; d++) {
      frames.push(names[at] as string);
      const next = callees[at] as number[];
      at = next[Math.floor(random() * next.length)] as number;
    }
    stacks.add(frames.join(";"));
  }
  const list = [...stacks];
  const lines: string[] = list.map((stack) => `${stack} ${1 + Math.floor(random() * 5)}`);
  while (lines.length < LINES) {
    const hot = random() < 0.3;
    const index = hot ? Math.floor(random() * 500) : Math.floor(random() * list.length);
    lines.push(`${list[index]} ${1 + Math.floor(random() ** 3 * 1000)}`);
  }
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
  return list.length;
}

const dir = mkdtempSync(join(tmpdir(), "twintune-bench-fg-"));
try {
  const input = join(dir, "big.folded");
  const distinct = writeSynthetic(input);
  const totals: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // Exactly what `twintune flamegraph big.folded -o big.svg` does: stream-parse, build the drawable tree, render, write.
    const parsed = timeIt(() => parseFoldedFile(input));
    const tree = timeIt(() =>
      buildFrameTree(parsed.value, { minWeight: drawThreshold(totalWeight(parsed.value), GEOMETRY.minWidth) }),
    );
    const rendered = timeIt(() => renderSvg(tree.value, { title: "bench" }));
    const write = timeIt(() => writeFileSync(join(dir, "big.svg"), rendered.value.svg));
    const seconds = parsed.seconds + tree.seconds + rendered.seconds + write.seconds;
    totals.push(seconds);
    console.log(
      JSON.stringify({
        bench: "flamegraph-svg",
        run,
        lines: LINES,
        distinctStacks: parsed.value.stacks.size,
        inputMB: Number((statSync(input).size / 1e6).toFixed(1)),
        seconds: Number(seconds.toFixed(3)),
        phases: {
          readAndParse: Number(parsed.seconds.toFixed(3)),
          tree: Number(tree.seconds.toFixed(3)),
          render: Number(rendered.seconds.toFixed(3)),
          write: Number(write.seconds.toFixed(3)),
        },
        framesDrawn: rendered.value.drawn,
        svgKB: Math.round(statSync(join(dir, "big.svg")).size / 1024),
      }),
    );
  }
  const profile = parseFoldedFile(input);
  const tree = buildFrameTree(profile, { minWeight: drawThreshold(totalWeight(profile)) });
  const html = timeIt(() => renderHtml(tree));
  const seconds = median(totals);
  console.log(
    JSON.stringify({
      bench: "flamegraph-svg-summary",
      lines: LINES,
      distinctStacks: distinct,
      runs: RUNS,
      medianSeconds: Number(seconds.toFixed(3)),
      targetSeconds: 3,
      pass: seconds < 3,
      htmlSeconds: Number(html.seconds.toFixed(3)),
      htmlMB: Number((html.value.length / 1e6).toFixed(1)),
      node: process.version,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
