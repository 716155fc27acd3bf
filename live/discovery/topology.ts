import type { Topology } from "../../src/backend.js";
import type { CommandRunner } from "../command-runner.js";
import type { HostFs } from "../host-fs.js";
import { parseMeminfo, requireKey } from "../parsers/meminfo.js";
import { unwrap } from "../parsers/parsed.js";
import { parseListFile } from "../parsers/sysfs-values.js";
import { readParsed } from "../read-parsed.js";
import { discoverBlockDevices } from "./block-devices.js";
import { type CacheDiscovery, discoverCaches } from "./caches.js";
import { discoverCpus } from "./cpus.js";
import { discoverInterfaces, type RingMaximaCache } from "./net-interfaces.js";
import { discoverNodes } from "./numa-nodes.js";
import { discoverProcessWorkloads } from "./process-workloads.js";

export interface HostDiscovery {
  topology: Topology;
  caches: CacheDiscovery;
}

/** The host's Topology (the same type the twin gives) from procfs and sysfs. */
export async function discoverTopology(
  fs: HostFs,
  runner: CommandRunner,
  pids: readonly number[] = [],
  rings: RingMaximaCache = new Map(),
): Promise<HostDiscovery> {
  const meminfo = await readParsed(fs, "/proc/meminfo", parseMeminfo);
  const memoryBytes = unwrap(requireKey(meminfo, "MemTotal", "/proc/meminfo"));
  const online = await readParsed(fs, "/sys/devices/system/cpu/online", parseListFile);
  const nodes = await discoverNodes(fs, online, memoryBytes);
  const nodeOf = (cpu: number) => nodes.find((node) => node.cpus.includes(cpu))?.id ?? 0;
  const cpus = await discoverCpus(fs, nodeOf);
  const caches = await discoverCaches(fs, cpus, runner);
  const hostname = (await fs.readText("/proc/sys/kernel/hostname").catch(() => "localhost")).trim();
  return {
    topology: {
      hostname,
      nodes,
      cpus,
      caches: caches.caches,
      devices: await discoverBlockDevices(fs),
      interfaces: await discoverInterfaces(fs, runner, rings),
      workloads: await discoverProcessWorkloads(fs, pids),
      memoryBytes,
    },
    caches,
  };
}
