import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyDevice } from "../../live/discovery/block-devices.js";
import { discoverTopology } from "../../live/discovery/topology.js";
import { LocalHostFs } from "../../live/host-fs.js";
import { LiveBackend } from "../../live/live-backend.js";
import { FIXTURES, FixtureRunner } from "../helpers/fixture-runner.js";

const discover = async (name: string) =>
  discoverTopology(await LocalHostFs.open(join(FIXTURES, name)), new FixtureRunner(name), []);

describe("topology discovery on the test VM's captured files (kvm-2cpu)", () => {
  it("finds 1 NUMA node, 2 CPUs without SMT, the virtio disk, and the interfaces", async () => {
    const { topology } = await discover("kvm-2cpu");
    expect(topology.hostname).toBe("vm");
    expect(topology.memoryBytes).toBe(24683620 * 1024);
    expect(topology.nodes).toEqual([{ id: 0, cpus: [0, 1], memoryBytes: 5728032 * 1024, distances: [10] }]);
    expect(topology.cpus).toEqual([
      { id: 0, node: 0, packageId: 0, coreId: 0, siblings: [0] },
      { id: 1, node: 0, packageId: 0, coreId: 1, siblings: [1] },
    ]);
    // loop0 (unattached) and zram0 (not set up) have size 0 and are left out.
    expect(topology.devices).toEqual([
      {
        name: "vda",
        deviceClass: "virtual",
        rotational: true,
        hardwareQueues: 1,
        sizeBytes: 274877906944,
        schedulers: ["none", "mq-deadline", "kyber", "bfq"],
      },
    ]);
    expect(topology.interfaces.map((iface) => [iface.name, iface.mtu, iface.speedMbps])).toEqual([
      ["eth0", 1400, undefined],
      ["ifb0", 1500, undefined],
      ["ifb1", 1500, undefined],
      ["lo", 65536, undefined],
    ]);
    // `ethtool -g` as captured: virtio-net offers rings of at most 256; ifb and lo have none.
    expect(topology.interfaces.map((iface) => [iface.name, iface.maxRing])).toEqual([
      ["eth0", { rx: 256, tx: 256 }],
      ["ifb0", undefined],
      ["ifb1", undefined],
      ["lo", undefined],
    ]);
  });

  it("without sysfs cacheinfo, takes cache sizes from CPUID (getconf) and says the sharing is assumed", async () => {
    const { topology, caches } = await discover("kvm-2cpu");
    expect(caches.source).toBe("cpuid");
    expect(caches.note).toMatch(/sharing assumed/);
    const l1d = topology.caches.filter((cache) => cache.level === 1 && cache.type === "data");
    expect(l1d).toEqual([
      { level: 1, type: "data", sizeBytes: 49152, sharedCpus: [0] },
      { level: 1, type: "data", sizeBytes: 49152, sharedCpus: [1] },
    ]);
    expect(topology.caches.filter((cache) => cache.level === 3).map((cache) => cache.sharedCpus)).toEqual([[0, 1]]);
  });
});

describe("ring maxima on a live backend", () => {
  it("are read once per interface (ethtool -g), and observing runs no ethtool at all", async () => {
    const runner = new FixtureRunner("kvm-2cpu");
    const backend = await LiveBackend.open({
      root: join(FIXTURES, "kvm-2cpu"),
      stateDir: mkdtempSync(join(tmpdir(), "tt-rings-")),
      runner,
      isRoot: true,
    });
    await backend.observe();
    await backend.observe();
    expect(runner.calls.filter(([program]) => program === "ethtool")).toEqual([]);
    await backend.topology();
    await backend.topology();
    const rings = runner.calls.filter(([program, flag]) => program === "ethtool" && flag === "-g");
    expect(rings.map((call) => call[2])).toEqual(["eth0", "ifb0", "ifb1"]);
  });
});

describe("topology discovery on the hand-made two-socket SMT host (numa-2node-smt)", () => {
  it("two nodes with their SLIT distances and CPU lists", async () => {
    const { topology } = await discover("numa-2node-smt");
    expect(topology.nodes.map((node) => [node.id, node.cpus, node.distances])).toEqual([
      [0, [0, 1, 4, 5], [10, 21]],
      [1, [2, 3, 6, 7], [21, 10]],
    ]);
    expect(topology.nodes[0]?.memoryBytes).toBe(65843012 * 1024);
  });

  it("SMT siblings share a core: cpu0 with cpu4, numbered as x86 enumerates them", async () => {
    const { topology } = await discover("numa-2node-smt");
    expect(topology.cpus).toHaveLength(8);
    expect(topology.cpus.find((cpu) => cpu.id === 0)).toEqual({
      id: 0,
      node: 0,
      packageId: 0,
      coreId: 0,
      siblings: [0, 4],
    });
    expect(topology.cpus.find((cpu) => cpu.id === 6)).toEqual({
      id: 6,
      node: 1,
      packageId: 1,
      coreId: 0,
      siblings: [2, 6],
    });
  });

  it("one cache entry per instance: L1/L2 per core, L3 per package", async () => {
    const { topology, caches } = await discover("numa-2node-smt");
    expect(caches.source).toBe("sysfs");
    const count = (level: number, type: string) =>
      topology.caches.filter((c) => c.level === level && c.type === type).length;
    expect([count(1, "data"), count(1, "instruction"), count(2, "unified"), count(3, "unified")]).toEqual([4, 4, 4, 2]);
    expect(topology.caches.find((c) => c.level === 3)).toEqual({
      level: 3,
      type: "unified",
      sizeBytes: 16 * 1024 * 1024,
      sharedCpus: [0, 1, 4, 5],
    });
  });

  it("classifies NVMe, a rotating SATA disk and a SATA SSD, with queue counts and models", async () => {
    const { topology } = await discover("numa-2node-smt");
    expect(topology.devices.map((d) => [d.name, d.deviceClass, d.hardwareQueues, d.model])).toEqual([
      ["nvme0n1", "nvme", 8, "Samsung SSD 980 PRO 1TB"],
      ["sda", "hdd", 1, "ST4000NM0035-1V4"],
      ["sdb", "ssd", 1, "Micron_5300_MTFDDAK960TDS"],
    ]);
    expect(topology.interfaces.find((iface) => iface.name === "eno1")).toEqual({
      name: "eno1",
      mtu: 9000,
      speedMbps: 25000,
    });
  });
});

describe("device classification does not trust the rotational flag alone", () => {
  const facts = {
    rotational: true,
    hardwareQueues: 1,
    devicePath: "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/block/sda",
  };
  it.each([
    [{ ...facts, name: "nvme1n2", rotational: false }, "nvme"],
    [{ ...facts, name: "loop3" }, "loop"],
    [{ ...facts, name: "vdb", devicePath: "/sys/devices/pci0000:00/0000:00:05.0/virtio3/block/vdb" }, "virtual"],
    [{ ...facts, name: "sdc", model: "QEMU HARDDISK" }, "virtual"],
    [{ ...facts, name: "sdc" }, "hdd"],
    [{ ...facts, name: "sdc", rotational: false }, "ssd"],
    [{ ...facts, name: "zram0" }, "unknown"],
    [{ ...facts, name: "dm-0" }, "unknown"],
  ])("%o → %s", (input, expected) => {
    expect(classifyDevice(input)).toBe(expected);
  });
});
