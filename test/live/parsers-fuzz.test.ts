import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJournal } from "../../live/journal/journal-record.js";
import { parseDiskstats } from "../../live/parsers/diskstats.js";
import { parseEthtoolFeatures } from "../../live/parsers/ethtool-features.js";
import { parseEthtoolRings } from "../../live/parsers/ethtool-rings.js";
import { parseGetconfCaches } from "../../live/parsers/getconf-caches.js";
import { parseKeyValueCounters } from "../../live/parsers/key-value-counters.js";
import { parseLoadavg } from "../../live/parsers/loadavg.js";
import { parseMeminfo } from "../../live/parsers/meminfo.js";
import { parseMounts } from "../../live/parsers/mounts.js";
import { parseNetDev } from "../../live/parsers/net-dev.js";
import { parseNetSnmp } from "../../live/parsers/net-snmp.js";
import { parseNumaMaps } from "../../live/parsers/numa-maps.js";
import { type Parsed, ParseError } from "../../live/parsers/parsed.js";
import { parsePidStat } from "../../live/parsers/pid-stat.js";
import { parsePidStatus } from "../../live/parsers/pid-status.js";
import { parsePressure } from "../../live/parsers/pressure.js";
import { parseProcStat } from "../../live/parsers/proc-stat.js";
import { parseCbmMask, parseSchemata, parseTasks } from "../../live/parsers/resctrl.js";
import { parseSchedstat } from "../../live/parsers/schedstat.js";
import { parseSoftnetStat } from "../../live/parsers/softnet-stat.js";
import {
  parseCacheSize,
  parseIntegerFile,
  parseIntegerRow,
  parseListFile,
  parseNaturalFile,
  parseSchedulerFile,
  parseWordFile,
} from "../../live/parsers/sysfs-values.js";
import { FIXTURES } from "../helpers/fixture-runner.js";

const host = (path: string) => readFileSync(join(FIXTURES, "kvm-2cpu", path), "utf8");

/** Each parser with a real file of its kind, to mutate. */
const PARSERS: [string, (text: string, file: string) => Parsed<unknown>, string][] = [
  ["proc/stat", parseProcStat, host("proc/stat")],
  ["proc/meminfo", parseMeminfo, host("proc/meminfo")],
  ["proc/vmstat", parseKeyValueCounters, host("proc/vmstat")],
  ["proc/pressure/memory", parsePressure, host("proc/pressure/memory")],
  ["proc/loadavg", parseLoadavg, host("proc/loadavg")],
  ["proc/diskstats", parseDiskstats, host("proc/diskstats")],
  ["proc/net/dev", parseNetDev, host("proc/net/dev")],
  ["proc/net/snmp", parseNetSnmp, host("proc/net/snmp")],
  ["proc/net/softnet_stat", parseSoftnetStat, host("proc/net/softnet_stat")],
  ["proc/pid/stat", parsePidStat, host("proc/10828/stat")],
  ["proc/pid/status", parsePidStatus, host("proc/10828/status")],
  ["proc/pid/numa_maps", parseNumaMaps, host("proc/10828/numa_maps")],
  ["proc/pid/schedstat", parseSchedstat, host("proc/10828/schedstat")],
  ["proc/self/mounts", parseMounts, host("proc/self/mounts")],
  ["node/distance", (text, file) => parseIntegerRow(text, file), "10 21\n"],
  ["cpu/online", parseListFile, "0-1\n"],
  ["cache/size", parseCacheSize, "48K\n"],
  ["queue/scheduler", parseSchedulerFile, "none [mq-deadline] kyber bfq\n"],
  ["queue/nr_requests", parseNaturalFile, "256\n"],
  ["class/net/speed", parseIntegerFile, "-1\n"],
  ["tcp_congestion_control", parseWordFile, "bbr\n"],
  ["ethtool -g", parseEthtoolRings, host("commands/ethtool-g-eth0.txt")],
  ["ethtool -k", parseEthtoolFeatures, host("commands/ethtool-k-eth0.txt")],
  ["getconf -a", (text) => parseGetconfCaches(text), host("commands/getconf-a.txt")],
  ["resctrl/info/L3/cbm_mask", parseCbmMask, "fffff\n"],
  ["resctrl/schemata", parseSchemata, "    L3:0=00003;1=00003\n    MB:0=100;1=100\n"],
  ["resctrl/tasks", parseTasks, "1\n2201\n2204\n"],
  ["journal", parseJournal, '{"v":1,"at":1,"session":"s","type":"begin","pid":1,"command":"apply"}\n'],
];

/** Text that looks like kernel files: digits, names, separators, brackets, the odd control byte. */
const kernelish = fc.stringMatching(/^[\w .:=\-[\]()/\t\n|,{}"]{0,200}$/);

/** A real file with one line replaced, one line cut short, or a random splice. */
function mutated(text: string) {
  const lines = text.split("\n");
  return fc.oneof(
    fc
      .tuple(fc.nat(lines.length), kernelish)
      .map(([at, line]) => lines.map((l, i) => (i === at ? line : l)).join("\n")),
    fc
      .tuple(fc.nat(lines.length), fc.nat(80))
      .map(([at, cut]) => lines.map((l, i) => (i === at ? l.slice(0, cut) : l)).join("\n")),
    fc
      .tuple(fc.nat(text.length), fc.string({ maxLength: 20 }))
      .map(([at, junk]) => text.slice(0, at) + junk + text.slice(at)),
  );
}

function wellBehaved(parse: (text: string, file: string) => Parsed<unknown>, text: string): void {
  const result = parse(text, "/fuzzed");
  if (!result.ok) {
    expect(result.error).toBeInstanceOf(ParseError);
    expect(result.error.file).toBe("/fuzzed");
    expect(result.error.line).toBeGreaterThanOrEqual(0);
    expect(result.error.line).toBeLessThanOrEqual(text.split("\n").length);
    expect(result.error.message.startsWith("/fuzzed")).toBe(true);
  }
}

describe("parsers never throw: any input gives a value or a ParseError naming file and line (fuzzed)", () => {
  for (const [name, parse, sample] of PARSERS) {
    it(`${name}: the captured file parses`, () => {
      expect(parse(sample, "/sample").ok).toBe(true);
    });
    it(`${name}: arbitrary and mutated text`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ maxLength: 300 }), kernelish, mutated(sample)), (text) =>
          wellBehaved(parse, text),
        ),
        { numRuns: 300, seed: 4 },
      );
    });
  }
});
