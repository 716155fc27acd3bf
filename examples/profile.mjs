// Profile this process continuously, then draw flame graphs of what it did (the seed document's
// profiler and flame graph APIs). Run: node examples/profile.mjs   (after npm ci)
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContinuousProfiler, FlamegraphGenerator } from "twintune";

const outputDir = mkdtempSync(join(tmpdir(), "twintune-example-"));

function busyWork(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i) * Math.sin(i);
  return x;
}

const profiler = new ContinuousProfiler({
  samplingHz: 100,
  types: ["cpu", "heap", "eventloop"],
  outputDir,
  retentionDays: 7,
  overheadTarget: 0.01,
  windowSeconds: 1, // one profile a second, for the example; the default is 60
});
await profiler.start();
const end = Date.now() + 2500;
while (Date.now() < end) {
  busyWork(300_000);
  await new Promise((resolve) => setImmediate(resolve)); // let the profiler's timers run
}
await profiler.stop();
const cpu = profiler.profiles().filter((p) => p.type === "cpu" && p.format === "pprof");
console.log(
  `${profiler.profiles().length} files in ${outputDir}; estimated overhead ${(profiler.averageOverhead() * 100).toFixed(2)}%`,
);

const generator = new FlamegraphGenerator({
  outputDir,
  interactiveHtml: true,
  diffEnabled: true,
  hotspotThreshold: 0.05,
});
const fg = await generator.generate(cpu[0].path);
for (const hotspot of fg.hotspots) {
  console.log(`${hotspot.functionName}: ${(hotspot.percentage * 100).toFixed(2)}% (${hotspot.samples} ${fg.unit})`);
}
console.log(`flame graph: ${fg.svgPath} and ${fg.htmlPath}`);
const diff = await generator.diffFlamegraphs(cpu[0].path, cpu[cpu.length - 1].path);
for (const change of diff.changes.slice(0, 3)) {
  console.log(`${change.functionName}: ${change.changePercent.toFixed(2)}% change`);
}
