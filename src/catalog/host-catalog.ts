import { join } from "node:path";
import { z } from "zod";
import { loadYaml } from "../config/load-yaml.js";
import { parseCpuList } from "../cpulist.js";
import { packageRoot } from "../package-root.js";

/** The CPUs of a list, or undefined if it is not one (cross-field checks run even after a field failed). */
function cpusOf(text: string): number[] | undefined {
  try {
    return parseCpuList(text);
  } catch {
    return undefined;
  }
}

const cpuList = z.string().refine((text) => cpusOf(text) !== undefined, "expected a CPU list like 0-7,16-23");

const CacheSchema = z.strictObject({
  level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  type: z.enum(["data", "instruction", "unified"]),
  sizeKiB: z.number().positive(),
  sharedBy: z.union([z.enum(["core", "node", "socket"]), z.strictObject({ cores: z.int().positive() })]),
  /** Capacity bitmask length when the CPU offers cache allocation for this cache (Intel CAT, AMD L3 QoS). */
  allocationWays: z.int().min(1).max(64).optional(),
});

const NodeSchema = z.strictObject({
  id: z.int().nonnegative(),
  socket: z.int().nonnegative(),
  cpus: cpuList,
  memoryGiB: z.number().positive(),
  distances: z.array(z.int().min(10).max(255)),
});

const matrix = z.array(z.array(z.number().positive()));

export const HostSpecSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "expected a lower-case name of letters, digits, '.' and '-'"),
    description: z.string(),
    sockets: z.int().positive(),
    threadsPerCore: z.union([z.literal(1), z.literal(2)]),
    siblingNumbering: z.enum(["adjacent", "split"]),
    cpuGHz: z.number().positive(),
    /** Throughput of two busy SMT siblings relative to one thread alone on the core. */
    smtPairThroughput: z.number().min(1).max(2),
    nodes: z.array(NodeSchema).min(1),
    caches: z.array(CacheSchema).min(1),
    memory: z.strictObject({ latencyNs: matrix, bandwidthGBps: matrix, source: z.string() }),
  })
  .superRefine((host, ctx) => {
    const n = host.nodes.length;
    host.nodes.forEach((node, i) => {
      if (node.id !== i)
        ctx.addIssue({ code: "custom", path: ["nodes", i, "id"], message: `node ids must be 0..${n - 1} in order` });
      if (node.distances.length !== n) {
        ctx.addIssue({
          code: "custom",
          path: ["nodes", i, "distances"],
          message: `expected ${n} distances (one per node)`,
        });
      } else if (node.distances[i] !== 10) {
        ctx.addIssue({
          code: "custom",
          path: ["nodes", i, "distances", i],
          message: "a node's distance to itself must be 10",
        });
      }
      if (node.socket >= host.sockets) {
        ctx.addIssue({
          code: "custom",
          path: ["nodes", i, "socket"],
          message: `expected a socket below ${host.sockets}`,
        });
      }
      const count = cpusOf(node.cpus)?.length ?? 0;
      if (count % host.threadsPerCore !== 0) {
        ctx.addIssue({
          code: "custom",
          path: ["nodes", i, "cpus"],
          message: `CPU count must be a multiple of threadsPerCore (${host.threadsPerCore})`,
        });
      }
    });
    const seen = new Set<number>();
    host.nodes.forEach((node, i) => {
      for (const cpu of cpusOf(node.cpus) ?? []) {
        if (seen.has(cpu))
          ctx.addIssue({ code: "custom", path: ["nodes", i, "cpus"], message: `CPU ${cpu} is on two nodes` });
        seen.add(cpu);
      }
    });
    for (const key of ["latencyNs", "bandwidthGBps"] as const) {
      const rows = host.memory[key];
      if (rows.length !== n || rows.some((row) => row.length !== n)) {
        ctx.addIssue({
          code: "custom",
          path: ["memory", key],
          message: `expected a ${n} x ${n} matrix (one row and column per node)`,
        });
      }
    }
  });

export type HostSpec = z.output<typeof HostSpecSchema>;

export const HostCatalogSchema = z.strictObject({ hosts: z.array(HostSpecSchema).min(1) });

/** Loads a host catalog file (YAML or JSON). Errors name the file, line and key path. */
export function loadHostCatalog(file = join(packageRoot(), "models", "hosts.yaml")): HostSpec[] {
  const catalog = loadYaml(file, HostCatalogSchema);
  const names = new Set<string>();
  for (const host of catalog.hosts) {
    if (names.has(host.name)) throw new Error(`${file}: host '${host.name}' is defined twice`);
    names.add(host.name);
  }
  return catalog.hosts;
}
