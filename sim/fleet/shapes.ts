import type { InstanceCatalog } from "../../src/catalog/instance-catalog.js";
import type { InstanceType } from "../../src/catalog/instance-type.js";
import { policy } from "../../src/tuners/rightsize/policy.js";
import { cheapestHolding } from "../../src/tuners/rightsize/type-choice.js";
import type { RandomStream } from "../rng.js";

/** The workload shapes of a generated fleet. */
export const SHAPES = ["steady", "diurnal", "weekly", "growing", "spiky", "idle", "memory-heavy"] as const;
export type Shape = (typeof SHAPES)[number];

/**
 * The default mix. Cortez et al. (Resource Central, SOSP 2017) split Azure VMs into interactive
 * ones with a daily period and delay-insensitive ones, with most VMs lightly used; the shares here
 * are our assumption, chosen so every shape is well represented (recalled, verify the paper's
 * figures before quoting them).
 */
export const DEFAULT_MIX: Readonly<Record<Shape, number>> = {
  steady: 0.2,
  diurnal: 0.2,
  weekly: 0.15,
  growing: 0.15,
  spiky: 0.1,
  idle: 0.1,
  "memory-heavy": 0.1,
};

/** Everything that defines one VM's demand; drawn once from the VM's own random stream. */
export interface VmSpec {
  index: number;
  id: string;
  shape: Shape;
  /** The instance type the VM runs on in the trace (often too big, sometimes too small). */
  type: InstanceType;
  tags: string[];
  /** CPU demand at the busiest point of the daily cycle, in cores, before growth and noise. */
  cpuLevel: number;
  /** Share of cpuLevel the quietest hour keeps (1 = no daily cycle). */
  cpuTrough: number;
  /** Hour of day (UTC) of the daily peak. */
  peakHour: number;
  /** Weekend demand as a share of weekday demand (1 = no weekly cycle). */
  weekendFactor: number;
  /** Relative CPU growth per day (0 = none). */
  cpuGrowthPerDay: number;
  /** Standard deviations of the multiplicative noise: per sample, slow (AR(1), ~100 min), per day. */
  cpuNoise: number;
  cpuWander: number;
  dayNoise: number;
  /** Spikes: mean arrivals per day, duration (minutes) and height (× the level). */
  spikesPerDay: number;
  spikeMinutes: number;
  spikeHeight: number;
  memLevel: number;
  /** Share of memory that follows the daily CPU cycle (caches, buffers). */
  memDaily: number;
  memGrowthPerDay: number;
  memNoise: number;
  iopsPerCore: number;
  netMbpsPerCore: number;
}

/** Draws the shape from the mix (weights need not sum to 1). */
export function drawShape(stream: RandomStream, mix: Readonly<Record<Shape, number>>): Shape {
  const total = SHAPES.reduce((sum, shape) => sum + (mix[shape] ?? 0), 0);
  let u = stream.uniform() * total;
  for (const shape of SHAPES) {
    u -= mix[shape] ?? 0;
    if (u < 0) return shape;
  }
  return SHAPES[SHAPES.length - 1] as Shape;
}

/**
 * Draws a VM's specification. Every number comes from `stream` in a fixed order, so a VM's
 * demand depends only on the seed and its index. `maxDays` bounds growth so the fleet's demand
 * stays within the catalog's largest types.
 */
export function drawSpec(
  index: number,
  stream: RandomStream,
  catalog: InstanceCatalog,
  mix: Readonly<Record<Shape, number>>,
  maxDays: number,
  interruptibleShare: number,
): VmSpec {
  const shape = drawShape(stream, mix);
  const diurnal =
    shape === "diurnal" ||
    shape === "weekly" ||
    ((shape === "growing" || shape === "memory-heavy") && stream.bernoulli(0.5));
  const growing = shape === "growing";
  const cpuGrowthPerDay = growing ? stream.between(0.01, 0.04) : 0;
  const memGrowthPerDay = growing ? stream.between(0.003, 0.02) : 0;
  const growth = 1 + cpuGrowthPerDay * maxDays;
  let cpuLevel = stream.logUniform(0.12, 9 / growth);
  const ratio = shape === "memory-heavy" ? stream.logUniform(5, 14) : stream.logUniform(1, 4.5);
  let memLevel = Math.min(cpuLevel * ratio, 90 / (1 + memGrowthPerDay * maxDays));
  const spec: VmSpec = {
    index,
    id: `vm-${String(index).padStart(5, "0")}`,
    shape,
    type: catalog.types[0] as InstanceType,
    tags: [],
    cpuLevel,
    cpuTrough: diurnal ? stream.between(0.15, 0.6) : 1,
    peakHour: stream.between(8, 20),
    weekendFactor: shape === "weekly" ? stream.between(0.2, 0.6) : 1,
    cpuGrowthPerDay,
    cpuNoise: stream.between(0.03, 0.12),
    cpuWander: stream.between(0.02, 0.08),
    dayNoise: stream.between(0, 0.05),
    spikesPerDay: shape === "spiky" ? stream.between(0.3, 1.5) : 0,
    spikeMinutes: stream.between(5, 30),
    spikeHeight: stream.between(2, 4),
    memLevel,
    memDaily: stream.between(0, 0.08),
    memGrowthPerDay,
    memNoise: stream.between(0.005, 0.02),
    iopsPerCore: stream.logUniform(50, 800),
    netMbpsPerCore: stream.logUniform(2, 60),
  };
  if (shape === "spiky") spec.cpuLevel = cpuLevel = cpuLevel / spec.spikeHeight;
  const current = currentType(stream, catalog, spec);
  spec.type = current;
  if (shape === "idle") {
    // Idle: a VM nobody uses, well below 2% of its vCPUs, with a little memory in use.
    spec.cpuLevel = current.vcpus * stream.between(0.002, 0.01);
    spec.cpuNoise = stream.between(0.02, 0.1);
    spec.cpuWander = 0.02;
    spec.dayNoise = 0;
    spec.memLevel = memLevel = Math.min(current.memoryGiB * 0.4, stream.between(0.3, 3));
  }
  if (stream.bernoulli(interruptibleShare)) spec.tags.push("interruptible");
  return spec;
}

/**
 * The type the VM runs on: the one that fits its starting demand, then usually oversized (a
 * size or two up, or a pricier family) and sometimes undersized, as fleets drift in practice.
 */
function currentType(stream: RandomStream, catalog: InstanceCatalog, spec: VmSpec): InstanceType {
  const cpu = spec.cpuLevel * (spec.shape === "spiky" ? spec.spikeHeight : 1) * 1.25;
  const mem = spec.memLevel * 1.1;
  const fit = cheapestHolding(catalog, cpu, mem, policy("balanced")) ?? (catalog.types.at(-1) as InstanceType);
  const u = stream.uniform();
  if (u < 0.25) return fit;
  if (u < 0.6) return resized(catalog, fit, 1);
  if (u < 0.8) return resized(catalog, fit, 2);
  if (u < 0.95)
    return (
      catalog.types.find(
        (type) =>
          type.vcpus >= fit.vcpus &&
          type.memoryGiB >= fit.memoryGiB &&
          type.hourlyUsd > fit.hourlyUsd &&
          type.family !== fit.family,
      ) ?? fit
    );
  return resized(catalog, fit, -1);
}

/** The type `steps` sizes up (or down) in the same family: ×2 vCPUs and memory per step. */
function resized(catalog: InstanceCatalog, type: InstanceType, steps: number): InstanceType {
  const factor = 2 ** steps;
  const same = catalog.types.find(
    (t) => t.family === type.family && t.vcpus === type.vcpus * factor && t.memoryGiB === type.memoryGiB * factor,
  );
  return same ?? type;
}
