// npm run -s bench:live
// What reading the host costs: one counter snapshot of this machine (every /proc file an
// observation needs), topology discovery, and the parsers alone on the captured test-VM files.
// Medians of repeated runs; one JSON object per measurement. Reads only, writes nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ProcessRunner } from "../live/command-runner.js";
import { discoverTopology } from "../live/discovery/topology.js";
import { LocalHostFs } from "../live/host-fs.js";
import { readHostSnapshot } from "../live/observe/host-snapshot.js";
import { parseDiskstats } from "../live/parsers/diskstats.js";
import { parseKeyValueCounters } from "../live/parsers/key-value-counters.js";
import { parseProcStat } from "../live/parsers/proc-stat.js";
import { median } from "./median.js";

async function timeAsync(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const seconds: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const start = process.hrtime.bigint();
    await work();
    if (run > 0) seconds.push(Number(process.hrtime.bigint() - start) / 1e9); // run 0 warms up
  }
  return seconds;
}

const fs = await LocalHostFs.open("/");
const snapshot = await timeAsync(50, () => readHostSnapshot(fs, 0, [process.pid]));
console.log(
  JSON.stringify({
    bench: "live host snapshot (this machine)",
    runs: 50,
    medianMs: +(median(snapshot) * 1000).toFixed(3),
  }),
);
const runner = new ProcessRunner();
const discovery = await timeAsync(10, () => discoverTopology(fs, runner, []));
console.log(
  JSON.stringify({
    bench: "live topology discovery (this machine)",
    runs: 10,
    medianMs: +(median(discovery) * 1000).toFixed(3),
  }),
);

const fixture = join(import.meta.dirname, "..", "..", "test", "fixtures", "live", "kvm-2cpu", "proc");
for (const [name, file, parse] of [
  ["parseProcStat", "stat", parseProcStat],
  ["parseKeyValueCounters (vmstat)", "vmstat", parseKeyValueCounters],
  ["parseDiskstats", "diskstats", parseDiskstats],
] as const) {
  const text = readFileSync(join(fixture, file), "utf8");
  const per: number[] = [];
  for (let run = 0; run < 6; run++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 2000; i++) parse(text, file);
    if (run > 0) per.push(Number(process.hrtime.bigint() - start) / 1e9 / 2000);
  }
  console.log(JSON.stringify({ bench: name, bytes: text.length, medianUs: +(median(per) * 1e6).toFixed(2) }));
}
