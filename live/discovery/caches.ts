import type { CacheInfo, Cpu } from "../../src/backend.js";
import type { CommandRunner } from "../command-runner.js";
import type { HostFs } from "../host-fs.js";
import { parseGetconfCaches } from "../parsers/getconf-caches.js";
import { parseCacheSize, parseListFile, parseNaturalFile, parseWordFile } from "../parsers/sysfs-values.js";
import { readOptional, readParsed } from "../read-parsed.js";
import { discoverAllocationWays } from "./resctrl.js";

export interface CacheDiscovery {
  caches: CacheInfo[];
  /** Where the figures came from, for the status output. */
  source: "sysfs" | "cpuid" | "none";
  note?: string;
}

const TYPES: Record<string, CacheInfo["type"]> = { Data: "data", Instruction: "instruction", Unified: "unified" };

/** One entry per cache instance: cpuN/cache/indexK (Documentation/ABI/testing/sysfs-devices-system-cpu). */
async function fromSysfs(fs: HostFs, cpus: readonly Cpu[]): Promise<CacheInfo[]> {
  const seen = new Map<string, CacheInfo>();
  for (const cpu of cpus) {
    const dir = `/sys/devices/system/cpu/cpu${cpu.id}/cache`;
    const indexes = (await fs.exists(dir)) ? (await fs.readDir(dir)).filter((name) => /^index\d+$/.test(name)) : [];
    for (const index of indexes) {
      const base = `${dir}/${index}`;
      const level = await readParsed(fs, `${base}/level`, parseNaturalFile);
      const type = TYPES[await readParsed(fs, `${base}/type`, parseWordFile)];
      const sizeBytes = await readOptional(fs, `${base}/size`, parseCacheSize);
      const sharedCpus = (await readOptional(fs, `${base}/shared_cpu_list`, parseListFile)) ?? [cpu.id];
      if (type === undefined || sizeBytes === undefined || level < 1 || level > 4) continue;
      const key = `${level}/${type}/${sharedCpus.join(",")}`;
      if (!seen.has(key)) seen.set(key, { level: level as CacheInfo["level"], type, sizeBytes, sharedCpus });
    }
  }
  return [...seen.values()];
}

/**
 * The CPU caches. sysfs cacheinfo first (sizes and which CPUs share each instance); some
 * hypervisors hide it (this project's Firecracker test VM has no cpuN/cache), and then the sizes
 * come from CPUID through glibc (`getconf -a`) with the sharing assumed, and said so: L1 and L2
 * per core (SMT siblings), L3 and beyond per package. L3 caches carry `allocationWays` when
 * resctrl can confine workloads to part of them (see resctrl.ts).
 */
export async function discoverCaches(fs: HostFs, cpus: readonly Cpu[], runner: CommandRunner): Promise<CacheDiscovery> {
  const found = await fromSysfsOrCpuid(fs, cpus, runner);
  const allocation = await discoverAllocationWays(fs);
  if (allocation === undefined) return found;
  // resctrl gives one bitmask length for all L3 domains (info/L3/cbm_mask), so every L3 instance has it.
  const caches = found.caches.map((cache) =>
    cache.level === 3 ? { ...cache, allocationWays: allocation.ways, allocationMinWays: allocation.minWays } : cache,
  );
  return { ...found, caches };
}

async function fromSysfsOrCpuid(fs: HostFs, cpus: readonly Cpu[], runner: CommandRunner): Promise<CacheDiscovery> {
  const sysfs = await fromSysfs(fs, cpus);
  if (sysfs.length > 0) return { caches: sysfs, source: "sysfs" };
  const result = await runner.run("getconf", ["-a"]);
  const parsed = result.code === 0 ? parseGetconfCaches(result.stdout) : undefined;
  if (parsed === undefined || !parsed.ok || parsed.value.length === 0) {
    return { caches: [], source: "none", note: "no cacheinfo in sysfs and none from getconf" };
  }
  const caches: CacheInfo[] = [];
  for (const cache of parsed.value) {
    const groups = new Map<string, number[]>();
    for (const cpu of cpus) {
      const key = cache.level <= 2 ? cpu.siblings.join(",") : String(cpu.packageId);
      groups.set(key, [...(groups.get(key) ?? []), cpu.id]);
    }
    for (const sharedCpus of groups.values()) {
      caches.push({ level: cache.level, type: cache.type, sizeBytes: cache.sizeBytes, sharedCpus });
    }
  }
  return {
    caches,
    source: "cpuid",
    note: "sysfs has no cacheinfo here: sizes from CPUID (getconf -a), sharing assumed (L1/L2 per core, L3 per package)",
  };
}
