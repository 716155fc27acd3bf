import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDiskstats } from "../../live/parsers/diskstats.js";
import { parseEthtoolFeatures } from "../../live/parsers/ethtool-features.js";
import { parseEthtoolRings } from "../../live/parsers/ethtool-rings.js";
import { parseGetconfCaches } from "../../live/parsers/getconf-caches.js";
import { numaCounters, parseKeyValueCounters } from "../../live/parsers/key-value-counters.js";
import { parseLoadavg } from "../../live/parsers/loadavg.js";
import { parseMeminfo } from "../../live/parsers/meminfo.js";
import { parseMounts } from "../../live/parsers/mounts.js";
import { parseNetDev } from "../../live/parsers/net-dev.js";
import { parseNetSnmp } from "../../live/parsers/net-snmp.js";
import { bytesByNode, parseNumaMaps } from "../../live/parsers/numa-maps.js";
import { type Parsed, ParseError } from "../../live/parsers/parsed.js";
import { parsePidStat } from "../../live/parsers/pid-stat.js";
import { parsePidStatus } from "../../live/parsers/pid-status.js";
import { parsePressure } from "../../live/parsers/pressure.js";
import { cpuTicks, parseProcStat } from "../../live/parsers/proc-stat.js";
import {
  hasWay,
  maskWays,
  parseBitUsage,
  parseCbmMask,
  parseSchemata,
  parseTasks,
  waysMask,
} from "../../live/parsers/resctrl.js";
import { parseSchedstat } from "../../live/parsers/schedstat.js";
import { parseSoftnetStat } from "../../live/parsers/softnet-stat.js";
import {
  parseCacheSize,
  parseIntegerRow,
  parseListFile,
  parseNaturalFile,
  parseSchedulerFile,
} from "../../live/parsers/sysfs-values.js";
import { FIXTURES } from "../helpers/fixture-runner.js";

const host = (path: string) => readFileSync(join(FIXTURES, "kvm-2cpu", path), "utf8");
const value = <T>(parsed: Parsed<T>): T => {
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
};
const error = <T>(parsed: Parsed<T>): ParseError => {
  expect(parsed.ok).toBe(false);
  return (parsed as { error: ParseError }).error;
};

describe("procfs parsers on files captured from the test VM (test/fixtures/live/kvm-2cpu)", () => {
  it("/proc/stat: the aggregate and per-CPU lines in ticks, ctxt, btime", () => {
    const stat = value(parseProcStat(host("proc/stat")));
    expect(stat.total).toEqual({
      user: 53855,
      nice: 0,
      system: 15334,
      idle: 243817,
      iowait: 554,
      irq: 0,
      softirq: 775,
      steal: 0,
    });
    expect([...stat.perCpu.keys()]).toEqual([0, 1]);
    expect(stat.contextSwitches).toBe(2148902);
    expect(stat.bootTimeSeconds).toBe(1796021736);
    expect(cpuTicks(stat.total)).toEqual({ busy: 53855 + 15334 + 775, total: 53855 + 15334 + 243817 + 554 + 775 });
  });

  it("/proc/meminfo in bytes, node meminfo with its 'Node N' prefix", () => {
    expect(value(parseMeminfo(host("proc/meminfo"))).get("MemTotal")).toBe(24683620 * 1024);
    const node = value(parseMeminfo(host("sys/devices/system/node/node0/meminfo"), "node0/meminfo"));
    expect(node.get("MemTotal")).toBe(5728032 * 1024);
  });

  it("/proc/vmstat with its numa_* counters", () => {
    const vmstat = value(parseKeyValueCounters(host("proc/vmstat")));
    expect(vmstat.get("pgfault")).toBe(9153969);
    expect(numaCounters(vmstat)).toMatchObject({ local: 9203871, other: 0 });
    expect(numaCounters(new Map([["pgfault", 1]]))).toBeUndefined();
  });

  it("/proc/pressure/*, /proc/loadavg", () => {
    const cpu = value(parsePressure(host("proc/pressure/cpu")));
    expect(cpu.some).toEqual({ avg10: 0.23, avg60: 1.96, avg300: 4.01, totalUs: 43018240 });
    expect(cpu.full?.totalUs).toBe(0);
    expect(value(parseLoadavg(host("proc/loadavg")))).toEqual({
      one: 0.24,
      five: 0.59,
      fifteen: 0.46,
      running: 2,
      total: 89,
      lastPid: 10851,
    });
  });

  it("/proc/diskstats with the 17 fields of 5.5+", () => {
    const vda = value(parseDiskstats(host("proc/diskstats"))).find((disk) => disk.name === "vda");
    expect(vda).toMatchObject({
      major: 254,
      minor: 0,
      readsCompleted: 53106,
      sectorsRead: 2565778,
      writesCompleted: 14623,
      ioMs: 9604,
      weightedIoMs: 27920,
      discardsCompleted: 7004,
      flushesCompleted: 1262,
    });
    expect(value(parseDiskstats(" 8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n"))[0]?.discardsCompleted).toBeUndefined();
  });

  it("softnet_stat: a line per CPU of hexadecimal counters, processed, dropped and time_squeeze first", () => {
    // Captured on the test VM: 2 CPUs, nothing dropped.
    const cpus = value(parseSoftnetStat(host("proc/net/softnet_stat")));
    expect(cpus).toHaveLength(2);
    expect(cpus.every((cpu) => cpu.processed > 0 && cpu.dropped === 0)).toBe(true);
    expect(value(parseSoftnetStat("0000a000 00000010 00000003 00000000\n"))).toEqual([
      { processed: 0xa000, dropped: 16, timeSqueeze: 3 },
    ]);
    const bad = parseSoftnetStat("0000a000 00000010 00000003\n0000a000 zz 00000003\n");
    expect(bad.ok ? "" : bad.error.message).toMatch(/softnet_stat:2: expected at least 3 hexadecimal counters/);
  });

  it("/proc/net/dev and /proc/net/snmp", () => {
    const eth0 = value(parseNetDev(host("proc/net/dev"))).find((iface) => iface.name === "eth0");
    expect(eth0).toMatchObject({ rxBytes: 814584745, rxPackets: 26770, txBytes: 1766038, txPackets: 15478 });
    const snmp = value(parseNetSnmp(host("proc/net/snmp")));
    expect(snmp.get("Tcp.MaxConn")).toBe(-1);
    expect(snmp.has("Tcp.RetransSegs")).toBe(true);
    expect(value(parseNetSnmp(host("proc/net/netstat"), "/proc/net/netstat")).has("TcpExt.ListenOverflows")).toBe(true);
  });

  it("/proc/<pid>/{stat,status,numa_maps,schedstat}", () => {
    const stat = value(parsePidStat(host("proc/10828/stat")));
    expect(stat).toMatchObject({ pid: 10828, comm: "bash", state: "S", startTicks: 157405, threads: 1 });
    const status = value(parsePidStatus(host("proc/10828/status")));
    expect(status).toMatchObject({
      name: "bash",
      threads: 1,
      cpusAllowed: [0, 1],
      memsAllowed: [0],
      rssBytes: 1984 * 1024,
    });
    const maps = value(parseNumaMaps(host("proc/10828/numa_maps")));
    expect(maps.length).toBeGreaterThan(10);
    expect([...bytesByNode(maps).keys()]).toEqual([0]);
    expect(value(parseSchedstat(host("proc/10828/schedstat")))).toEqual({ runNs: 7927238, waitNs: 22663 });
  });

  it("a comm with spaces and parentheses is split after the last ')'", () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)).join(" ");
    const stat = value(parsePidStat(`42 (a (weird) name) S ${fields.slice(2)}`));
    expect(stat.comm).toBe("a (weird) name");
    expect(stat.pid).toBe(42);
  });

  it("numa_maps policies with node lists, including 'prefer (many)'", () => {
    const maps = value(
      parseNumaMaps(
        "7f00 interleave:0-1 anon=4 N0=2 N1=2 kernelpagesize_kB=4\n7f10 prefer (many):1 N1=3 kernelpagesize_kB=2048\n",
      ),
    );
    expect(maps[0]).toMatchObject({ policy: "interleave", policyNodes: [0, 1] });
    expect(maps[1]).toMatchObject({ policy: "prefer (many)", policyNodes: [1], pageSizeBytes: 2 * 1024 * 1024 });
    expect(bytesByNode(maps).get(1)).toBe(2 * 4096 + 3 * 2 * 1024 * 1024);
  });

  it("sysfs value files: lists, sizes, schedulers, distances", () => {
    expect(value(parseListFile("0-3,8-11\n", "cpulist"))).toEqual([0, 1, 2, 3, 8, 9, 10, 11]);
    expect(value(parseListFile("\n", "offline"))).toEqual([]);
    expect(value(parseCacheSize("48K\n", "size"))).toBe(48 * 1024);
    expect(value(parseCacheSize("32M\n", "size"))).toBe(32 * 1024 * 1024);
    expect(
      value(parseSchedulerFile(host("sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/queue/scheduler"), "s")),
    ).toEqual({ active: "mq-deadline", available: ["none", "mq-deadline", "kyber", "bfq"] });
    expect(value(parseIntegerRow("10 21\n", "distance"))).toEqual([10, 21]);
    expect(value(parseNaturalFile("256\n", "nr_requests"))).toBe(256);
  });

  it("ethtool -g / -k text and getconf -a, as captured", () => {
    expect(value(parseEthtoolRings(host("commands/ethtool-g-eth0.txt")))).toEqual({
      maxRx: 256,
      maxTx: 256,
      rx: 256,
      tx: 256,
    });
    const features = value(parseEthtoolFeatures(host("commands/ethtool-k-eth0.txt")));
    expect(features.get("rx-checksumming")).toEqual({ on: true, fixed: true });
    expect(features.get("generic-receive-offload")).toEqual({ on: true, fixed: false });
    expect(features.get("rx-udp_tunnel-port-offload")).toEqual({ on: false, fixed: true });
    const caches = value(parseGetconfCaches(host("commands/getconf-a.txt")));
    expect(caches.find((cache) => cache.level === 1 && cache.type === "data")).toMatchObject({
      sizeBytes: 49152,
      ways: 12,
      lineBytes: 64,
    });
    expect(caches.some((cache) => cache.level === 4)).toBe(false);
  });

  it("/proc/self/mounts with octal escapes", () => {
    const mounts = value(parseMounts(host("proc/self/mounts")));
    expect(mounts.filter((mount) => mount.fsType === "cgroup2").map((mount) => mount.mountPoint)).toEqual([
      "/sys/fs/cgroup/unified",
    ]);
    expect(value(parseMounts("/dev/sdb1 /mnt/my\\040disk ext4 rw 0 0\n"))[0]?.mountPoint).toBe("/mnt/my disk");
  });
});

describe("malformed input gives a ParseError naming the file and the line", () => {
  it.each([
    ["/proc/stat", () => parseProcStat("cpu  1 2 3 4\ncpu0 1 x 3 4\nctxt 1\n"), 2],
    ["/proc/stat", () => parseProcStat("cpu0 1 2 3 4\n"), 0],
    ["/proc/meminfo", () => parseMeminfo("MemTotal: 10 kB\nMemFree 20 kB\n"), 2],
    ["/proc/vmstat", () => parseKeyValueCounters("a 1\nb\n"), 2],
    ["/proc/pressure/cpu", () => parsePressure("some avg10=0.00 avg60=x avg300=0.00 total=1\n"), 1],
    ["/proc/loadavg", () => parseLoadavg("0.1 0.2\n"), 1],
    ["/proc/diskstats", () => parseDiskstats(" 8 0 sda 1 2 3\n"), 1],
    ["/proc/net/dev", () => parseNetDev("a|b\nc|d\n eth0: 1 2 3\n"), 3],
    ["/proc/net/snmp", () => parseNetSnmp("Tcp: A B\nTcp: 1\n"), 2],
    ["/proc/self/stat", () => parsePidStat("12 (x) S 1 2\n"), 1],
    ["/proc/self/status", () => parsePidStatus("Name:\tx\nThreads:\t1\nCpus_allowed_list:\t0-x\n"), 3],
    ["/proc/self/numa_maps", () => parseNumaMaps("7f00 default N0=1\nzz\n"), 2],
  ] as [string, () => Parsed<unknown>, number][])("%s", (file, parse, line) => {
    const problem = error(parse());
    expect(problem).toBeInstanceOf(ParseError);
    expect(problem.file).toBe(file);
    expect(problem.line).toBe(line);
    expect(problem.message).toContain(file);
  });

  it("a sysfs file names itself, and ids beyond NR_CPUS are refused rather than expanded", () => {
    const problem = error(parseListFile("0-99999999", "/sys/devices/system/cpu/online"));
    expect(problem.message).toMatch(/^\/sys\/devices\/system\/cpu\/online:1: an id above/);
    expect(error(parseSchedulerFile("none [a] [b]", "/sys/block/x/queue/scheduler")).detail).toMatch(/two schedulers/);
  });
});

describe("resctrl files (Documentation/arch/x86/resctrl.rst)", () => {
  const resctrl = (path: string) =>
    readFileSync(join(FIXTURES, "resctrl-broadwell-ep", "sys/fs/resctrl", path), "utf8");

  it("cbm_mask gives the way count; masks count their bits; N ways from a first way make a mask", () => {
    expect(value(parseCbmMask(resctrl("info/L3/cbm_mask"), "/cbm_mask"))).toBe(20);
    expect(value(parseCbmMask("ffff\n", "/cbm_mask"))).toBe(16); // AMD Zen: 16 ways per CCX
    expect(error(parseCbmMask("0\n", "/cbm_mask")).line).toBe(1);
    expect(error(parseCbmMask("fffff\nff\n", "/cbm_mask")).line).toBe(1);
    expect([maskWays("00003"), maskWays("ff000"), maskWays("xyz")]).toEqual([2, 8, undefined]);
    expect([1, 2, 4, 20].map((ways) => waysMask(0, ways))).toEqual(["1", "3", "f", "fffff"]);
    expect([waysMask(4, 2), waysMask(8, 4), waysMask(31, 1)]).toEqual(["30", "f00", "80000000"]);
    expect([0, 1, 31].map((way) => hasWay(0x80000001, way))).toEqual([true, false, true]);
  });

  it("bit_usage: one character per way, the highest way first in the file, given lowest first", () => {
    const usage = value(parseBitUsage(resctrl("info/L3/bit_usage"), "/bit_usage"));
    expect(usage.map((domain) => [domain.id, domain.ways.join("")])).toEqual([
      [0, "S".repeat(20)],
      [1, "S".repeat(20)],
    ]);
    const locked = value(parseBitUsage("0=0000SSSSSSSSSSSSPPEE;1=XXSSSSSSSSSSSSSSSSSS\n", "/bit_usage"));
    expect(locked[0]?.ways.slice(0, 4)).toEqual(["E", "E", "P", "P"]);
    expect(locked[1]?.ways.slice(18)).toEqual(["X", "X"]);
    expect(error(parseBitUsage("0=SSQS\n", "/bit_usage")).line).toBe(1);
    expect(error(parseBitUsage("0=SS\n1=SS\n", "/bit_usage")).line).toBe(2);
  });

  it("schemata with and without the kernel's column padding, one entry per domain", () => {
    expect(value(parseSchemata(resctrl("schemata"), "/schemata"))).toEqual([
      {
        resource: "L3",
        domains: [
          { id: 0, value: "fffff" },
          { id: 1, value: "fffff" },
        ],
      },
    ]);
    const padded = value(parseSchemata("    L3:0=00003;1=00003\n  SMBA:0=2048;1=2048\n", "/schemata"));
    expect(padded.map((line) => [line.resource, line.domains.map((d) => d.value)])).toEqual([
      ["L3", ["00003", "00003"]],
      ["SMBA", ["2048", "2048"]],
    ]);
    expect(error(parseSchemata("L3:0=3;1=3\nL3 0=3\n", "/schemata")).line).toBe(2);
    expect(error(parseSchemata("L3:0=3;x=3\n", "/schemata")).line).toBe(1);
  });

  it("tasks: one id a line, empty for an empty group", () => {
    expect(value(parseTasks(resctrl("tasks"), "/tasks"))).toContain(2207);
    expect(value(parseTasks("", "/tasks"))).toEqual([]);
    expect(error(parseTasks("1\nx\n", "/tasks")).line).toBe(2);
  });
});
