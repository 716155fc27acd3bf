import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LocalHostFs, type TextFs } from "../../live/host-fs.js";
import { HostFsError } from "../../live/host-fs-error.js";
import { counterDelta } from "../../live/observe/counter-delta.js";
import { readHostSnapshot } from "../../live/observe/host-snapshot.js";
import { observationBetween } from "../../live/observe/observation.js";
import { FIXTURES } from "../helpers/fixture-runner.js";

/** What a read-only namespace view needs besides readText. */
const READ_ONLY: Omit<TextFs, "readText"> = {
  exists: async () => true,
  checkWritable: async () => {},
  writeText: async () => {},
};

/** Two snapshots of the test VM one second apart, with a 300 MB direct read of vda in between. */
async function pair() {
  const before = await readHostSnapshot(await LocalHostFs.open(join(FIXTURES, "kvm-2cpu")), 10_000, [10828]);
  const after = await readHostSnapshot(await LocalHostFs.open(join(FIXTURES, "kvm-2cpu-t1")), 11_000);
  return { before, after };
}

describe("observations are counter deltas over the interval", () => {
  it("disk rates from /proc/diskstats deltas (512-byte sectors)", async () => {
    const { before, after } = await pair();
    const observation = observationBetween(before, after, { disks: ["vda"] });
    expect(observation.intervalMs).toBe(1000);
    expect(observation.time).toBe(11_000);
    const vda = observation.disks[0];
    // vda: reads 53106 → 54323, sectors read 2565778 → 2600074, read ms 13995 → 14601, io ms 9604 → 9676.
    expect(vda?.readIops).toBe(54323 - 53106);
    expect(vda?.readBytesPerSec).toBe((2600074 - 2565778) * 512);
    expect(vda?.readLatencyMs).toBeCloseTo((14601 - 13995) / (54323 - 53106), 10);
    expect(vda?.utilization).toBeCloseTo((9676 - 9604) / 1000, 10);
    expect(vda?.averageRequestBytes).toBeCloseTo(
      ((2600074 - 2565778 + 4560320 - 4560304) * 512) / (54323 - 53106 + 2),
      6,
    );
    expect(observation.disks.map((disk) => disk.device)).toEqual(["vda"]);
  });

  it("missed packets from sysfs rx_missed_errors, only where both snapshots read them", async () => {
    const { before, after } = await pair();
    expect(before.interfaces.find((i) => i.name === "eth0")?.rxMissed).toBe(0); // captured from the test VM
    // kvm-2cpu-t1 holds /proc only: no rate rather than a made-up zero.
    expect(observationBetween(before, after, { disks: [] }).network.map((n) => n.rxMissedPerSec)).toEqual(
      before.interfaces.map(() => undefined),
    );
    const missedLater = {
      ...before,
      timeMs: 12_000,
      interfaces: before.interfaces.map((i) => (i.name === "eth0" ? { ...i, rxMissed: 1000 } : i)),
    };
    const eth0 = observationBetween(before, missedLater, { disks: [] }).network.find((n) => n.interface === "eth0");
    expect(eth0).toMatchObject({ rxMissedPerSec: 500, rxDropsPerSec: 0 });
    // Gone down: the interface was made again (a reset, not a wrap of a 64-bit counter): no rate.
    const reset = observationBetween(missedLater, { ...before, timeMs: 13_000 }, { disks: [] });
    expect(reset.network.find((n) => n.interface === "eth0")?.rxMissedPerSec).toBeUndefined();
  });

  it("input-backlog drops: softnet_stat's second column summed over CPUs, each a 32-bit counter", async () => {
    const { before } = await pair();
    expect(before.softnet).toHaveLength(2); // captured from the test VM
    const later = (dropped: number[]) => ({
      ...before,
      timeMs: 12_000,
      softnet: before.softnet?.map((cpu, i) => ({ ...cpu, dropped: dropped[i] as number })),
    });
    const from = { ...before, softnet: before.softnet?.map((cpu) => ({ ...cpu, dropped: 2 ** 32 - 10 })) };
    // Both from 2^32 - 10: CPU 0 wrapped to 10 (+20), CPU 1 to 20 (+30), over 2 s.
    expect(observationBetween(from, later([10, 20]), { disks: [] }).host.backlogDropsPerSec).toBe((20 + 30) / 2);
    // A CPU gone offline between the two: no rate.
    const fewer = { ...later([0, 0]), softnet: before.softnet?.slice(0, 1) };
    expect(observationBetween(before, fewer, { disks: [] }).host.backlogDropsPerSec).toBeUndefined();
  });

  it("CPU utilization is 1 − Δ(idle + iowait) / Δtotal of /proc/stat", async () => {
    const { before, after } = await pair();
    const host = observationBetween(before, after, { disks: [] }).host;
    const busy = 54528 - 53855 + (15986 - 15334) + (778 - 775);
    const total = busy + (244209 - 243817) + (556 - 554);
    expect(host.cpuUtilization).toBeCloseTo(busy / total, 10);
    expect(host.perCpuUtilization).toHaveLength(2);
    expect(host.pressure).toBeDefined();
    expect(host.numaRemoteRatio).toBe(0);
    expect(host.memoryAvailableBytes).toBe(after.meminfo.get("MemAvailable"));
  });

  it("a process gone by the second snapshot is not reported; the same snapshot twice gives zero rates", async () => {
    const { before, after } = await pair();
    expect(observationBetween(before, after, { disks: [] }).workloads).toEqual([]);
    const same = observationBetween(before, { ...before, timeMs: 11_000 }, { disks: ["vda"] });
    expect(same.workloads).toEqual([
      {
        id: "pid:10828",
        cpuUtilization: 0,
        memoryBytes: 1984 * 1024,
        memoryUtilization: (1984 * 1024) / (before.meminfo.get("MemTotal") as number),
        cpuWaitRatio: 0,
      },
    ]);
    expect(same.disks[0]?.readIops).toBe(0);
    expect(same.host.contextSwitchesPerSec).toBe(0);
  });

  it("counter deltas: growth, a 32-bit wrap, a reset (property)", () => {
    fc.assert(
      fc.property(fc.nat(2 ** 32 - 1), fc.nat(2 ** 31), (start, step) => {
        const wrapped = (start + step) % 2 ** 32;
        expect(counterDelta(start, wrapped)).toBe(step);
      }),
      { seed: 3 },
    );
    expect(counterDelta(2 ** 40, 5)).toBe(5); // a 64-bit counter going down was reset
  });

  it("each network namespace asked for gets its own TCP line from its own counters; one unreadable or read once gets none", async () => {
    const { before, after } = await pair();
    /** A namespace's /proc/net: the snmp and netstat files as the kernel prints them there. */
    const namespace = (outSegs: number, retrans: number, overflows: number): TextFs => ({
      readText: async (path) => {
        if (path === "/proc/net/snmp") return `Tcp: RtoAlgorithm OutSegs RetransSegs\nTcp: 1 ${outSegs} ${retrans}\n`;
        if (path === "/proc/net/netstat")
          return `TcpExt: ListenOverflows ListenDrops\nTcpExt: ${overflows} ${overflows}\n`;
        throw new HostFsError("read", path, "ENOENT", "absent");
      },
      ...READ_ONLY,
    });
    const gone: TextFs = {
      ...namespace(0, 0, 0),
      readText: async (path) => {
        throw new HostFsError("read", path, "ENOENT", "in netns gone: cannot open /run/netns/gone");
      },
    };
    const fixture = (dir: string) => LocalHostFs.open(join(FIXTURES, dir));
    const a = await readHostSnapshot(
      await fixture("kvm-2cpu"),
      10_000,
      [],
      new Map([
        ["blue", namespace(1000, 10, 3)],
        ["gone", gone],
      ]),
    );
    const b = await readHostSnapshot(
      await fixture("kvm-2cpu-t1"),
      12_000,
      [],
      new Map([
        ["blue", namespace(3000, 50, 9)],
        ["gone", gone],
        ["late", namespace(5, 5, 5)],
      ]),
    );
    const tcp = observationBetween(a, b, { disks: [] }).tcp;
    expect(tcp.map((line) => line.netns)).toEqual(["host", "blue"]);
    expect(tcp[1]).toEqual({ netns: "blue", retransmitRatio: 40 / 2000, listenOverflowsPerSec: 6 / 2 });
    // The host line is the host's files, whatever the namespaces hold.
    const host = observationBetween(before, after, { disks: [] }).tcp;
    expect(tcp[0]).toEqual({ ...host[0], listenOverflowsPerSec: (host[0]?.listenOverflowsPerSec ?? 0) / 2 });
  });

  it("a namespace half read (netstat failed) or made again under its name (counters reset) gets no line, not a wrap", async () => {
    const fixture = await LocalHostFs.open(join(FIXTURES, "kvm-2cpu"));
    const files = (outSegs: number, overflows: number, netstat = true): TextFs => ({
      readText: async (path) => {
        if (path === "/proc/net/snmp") return `Tcp: OutSegs RetransSegs\nTcp: ${outSegs} 0\n`;
        if (path === "/proc/net/netstat" && netstat) return `TcpExt: ListenOverflows\nTcpExt: ${overflows}\n`;
        throw new HostFsError("read", path, "EIO", "nsenter timed out");
      },
      ...READ_ONLY,
    });
    const at = (ms: number, namespaces: Record<string, TextFs>) =>
      readHostSnapshot(fixture, ms, [], new Map(Object.entries(namespaces)));
    const a = await at(0, { half: files(100, 5000), reset: files(90_000, 5000), fine: files(100, 5) });
    const b = await at(1000, { half: files(200, 0, false), reset: files(50, 2), fine: files(300, 9) });
    expect(b.netnsSnmp.has("half")).toBe(false);
    const tcp = observationBetween(a, b, { disks: [] }).tcp;
    expect(tcp.map((line) => line.netns)).toEqual(["host", "fine"]);
    expect(tcp[1]?.listenOverflowsPerSec).toBe(4);
  });

  it("a namespace's counters that cannot be parsed are an error, not a silent gap", async () => {
    const garbled: TextFs = {
      readText: async () => "Tcp: OutSegs\nTcp: lots\n",
      ...READ_ONLY,
    };
    const fs = await LocalHostFs.open(join(FIXTURES, "kvm-2cpu"));
    await expect(readHostSnapshot(fs, 0, [], new Map([["blue", garbled]]))).rejects.toThrow(/proc\/net\/snmp/);
  });
});
