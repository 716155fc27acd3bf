import { loadCatalog } from "../../src/catalog/catalog-loader.js";
import type { HostSpec } from "../../src/catalog/host-catalog.js";
import type { InstanceCatalog } from "../../src/catalog/instance-catalog.js";
import type { InstanceType } from "../../src/catalog/instance-type.js";
import { RandomStreams } from "../rng.js";
import type { FleetSpec, FleetVm } from "./fleet-model.js";
import { LeastLoaded } from "./least-loaded.js";

/** Shapes of demand a fleet holds, with their share of VMs. */
const ARCHETYPES = [
  { kind: "diurnal-web", share: 0.35 },
  { kind: "weekly-api", share: 0.2 },
  { kind: "steady-batch", share: 0.15 },
  { kind: "growing", share: 0.1 },
  { kind: "spiky", share: 0.1 },
  { kind: "idle", share: 0.1 },
] as const;

/** The sizes a generated VM starts on: vCPUs of m5.large, xlarge, 2xlarge and 4xlarge. */
const VCPU_SIZES: readonly number[] = [2, 4, 8, 16];

/** The general-purpose type of `vcpus` a generated VM starts on (m5: 4 GiB per vCPU). */
function startingType(catalog: InstanceCatalog, vcpus: number): InstanceType {
  const type = catalog.types.find((t) => t.family === "m5" && t.vcpus === vcpus);
  if (type === undefined)
    throw new RangeError(
      `the instance catalog (${catalog.origin}) has no m5 type with ${vcpus} vCPUs for a generated fleet`,
    );
  return type;
}

function pickArchetype(u: number): (typeof ARCHETYPES)[number] {
  let cumulative = 0;
  for (const archetype of ARCHETYPES) {
    cumulative += archetype.share;
    if (u < cumulative) return archetype;
  }
  return ARCHETYPES[0];
}

export interface FleetOptions {
  vms: number;
  hosts: number;
  host: HostSpec;
  days: number;
  stepMs?: number;
  seed: number;
  /** Where the VMs' types and prices come from (default: models/instances.yaml). */
  catalog?: InstanceCatalog;
}

/**
 * A synthetic fleet for the fluid mode: VMs of mixed m5 sizes and demand shapes (diurnal web,
 * weekly API, steady batch, growing, spiky, idle), their mean utilization drawn around 35%, spread
 * over the hosts by vCPUs. Each VM draws from its own named stream, so adding VMs never
 * changes the others.
 */
export function generateFleet(options: FleetOptions): FleetSpec {
  const streams = new RandomStreams(options.seed);
  const catalog = options.catalog ?? loadCatalog();
  const hosts = new LeastLoaded(options.hosts);
  const vms: FleetVm[] = [];
  for (let i = 0; i < options.vms; i++) {
    const stream = streams.stream(`vm-${i}`);
    const archetype = pickArchetype(stream.uniform());
    const vcpus = stream.pick(VCPU_SIZES);
    const cpuMs = stream.lognormalMeanCv(2, 0.5);
    const request = {
      cpuMs,
      cpuCv: 0.6,
      memoryAccesses: stream.between(0, 60_000),
      memoryParallelism: 2,
      workingSetMiB: stream.between(8, 256),
      compulsoryMissRatio: stream.between(0.01, 0.2),
    };
    const utilization = archetype.kind === "idle" ? 0.02 : Math.min(0.7, stream.lognormalMeanCv(0.35, 0.4));
    const ratePerSec = (utilization * vcpus * 1000) / (cpuMs * 1.3);
    const arrivals = {
      ratePerSec,
      trendPerDay: archetype.kind === "growing" ? stream.between(0.01, 0.03) : 0,
      ...(archetype.kind === "diurnal-web" || archetype.kind === "weekly-api"
        ? { daily: { amplitude: stream.between(0.3, 0.6), peak: stream.between(10, 20) } }
        : {}),
      ...(archetype.kind === "weekly-api" ? { weekly: { amplitude: 0.3, peak: 2 } } : {}),
      ...(archetype.kind === "spiky" ? { burst: { every: 3_600_000, lasting: 300_000, factor: 2.5 } } : {}),
    };
    const type = startingType(catalog, vcpus);
    // Resident memory: GiB per busy core drawn as sim/fleet/shapes.ts draws it (log-uniform 1-4.5,
    // an assumption), under 90% of the type; an idle VM keeps a little (0.3-3 GiB, at most 40%).
    const memoryGiB =
      archetype.kind === "idle"
        ? Math.min(type.memoryGiB * 0.4, stream.between(0.3, 3))
        : Math.min(type.memoryGiB * 0.9, utilization * vcpus * stream.logUniform(1, 4.5));
    // Spread, as cloud schedulers place general-purpose VMs: each on the host with the fewest vCPUs
    // so far. Packing first-fit at 2.5x left most of a scenario's hosts empty and the rest above
    // what their cores deliver.
    const host = hosts.add(vcpus);
    vms.push({
      name: `vm-${i}`,
      host,
      vcpus,
      instanceType: type.name,
      memoryGiB,
      hourlyUsd: type.hourlyUsd,
      arrivals,
      request,
      noiseCv: 0.1,
      kind: archetype.kind,
    });
  }
  return {
    host: options.host,
    hosts: options.hosts,
    vms,
    stepMs: options.stepMs ?? 300_000,
    durationMs: options.days * 86_400_000,
    seed: options.seed,
  };
}
