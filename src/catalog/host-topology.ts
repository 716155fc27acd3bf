import type { CacheInfo, Cpu, NumaNode, Topology } from "../backend.js";
import { parseCpuList } from "../cpulist.js";
import type { HostSpec } from "./host-catalog.js";

const GIB = 1024 ** 3;

/** The logical CPUs of a host spec with their node, socket, core and SMT siblings. */
export function hostCpus(spec: HostSpec): Cpu[] {
  const cpus: Cpu[] = [];
  let coreBase = 0;
  for (const node of spec.nodes) {
    const ids = parseCpuList(node.cpus);
    const cores = ids.length / spec.threadsPerCore;
    // Group the node's CPUs into cores: adjacent ids (0,1), or split halves (n, n + cores).
    const coreOf = (index: number): number =>
      spec.siblingNumbering === "adjacent" ? Math.floor(index / spec.threadsPerCore) : index % cores;
    const members = new Map<number, number[]>();
    ids.forEach((id, index) => {
      const core = coreOf(index);
      members.set(core, [...(members.get(core) ?? []), id]);
    });
    ids.forEach((id, index) => {
      const core = coreOf(index);
      cpus.push({
        id,
        node: node.id,
        packageId: node.socket,
        coreId: coreBase + core,
        siblings: members.get(core) ?? [id],
      });
    });
    coreBase += cores;
  }
  return cpus.sort((a, b) => a.id - b.id);
}

/** One CacheInfo per cache instance, with the CPUs that share it. */
export function hostCaches(spec: HostSpec, cpus: readonly Cpu[]): CacheInfo[] {
  const caches: CacheInfo[] = [];
  for (const cache of spec.caches) {
    const groups = new Map<string, number[]>();
    for (const cpu of cpus) {
      let key: string;
      if (cache.sharedBy === "core") key = `c${cpu.coreId}`;
      else if (cache.sharedBy === "node") key = `n${cpu.node}`;
      else if (cache.sharedBy === "socket") key = `s${cpu.packageId}`;
      else {
        const firstCore = Math.min(...cpus.filter((other) => other.node === cpu.node).map((other) => other.coreId));
        key = `n${cpu.node}g${Math.floor((cpu.coreId - firstCore) / cache.sharedBy.cores)}`;
      }
      groups.set(key, [...(groups.get(key) ?? []), cpu.id]);
    }
    for (const sharedCpus of groups.values()) {
      caches.push({
        level: cache.level,
        type: cache.type,
        sizeBytes: cache.sizeKiB * 1024,
        sharedCpus,
        ...(cache.allocationWays === undefined ? {} : { allocationWays: cache.allocationWays }),
      });
    }
  }
  return caches;
}

/** The topology the engine sees for a host spec (devices, interfaces and workloads added by the caller). */
export function hostTopology(spec: HostSpec, hostname = spec.name): Topology {
  const cpus = hostCpus(spec);
  const nodes: NumaNode[] = spec.nodes.map((node) => ({
    id: node.id,
    cpus: parseCpuList(node.cpus),
    memoryBytes: node.memoryGiB * GIB,
    distances: [...node.distances],
  }));
  return {
    hostname,
    nodes,
    cpus,
    caches: hostCaches(spec, cpus),
    devices: [],
    interfaces: [],
    workloads: [],
    memoryBytes: nodes.reduce((sum, node) => sum + node.memoryBytes, 0),
  };
}
