import { join } from "node:path";
import { z } from "zod";
import { loadYaml } from "../config/load-yaml.js";
import { packageRoot } from "../package-root.js";

const SchedulerCostSchema = z.strictObject({ cpuUs: z.number().nonnegative(), source: z.string() });

/** The blk-mq schedulers the twin models; the legacy names are aliases (see normalizeScheduler). */
export const SCHEDULERS = ["none", "mq-deadline", "bfq", "kyber"] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];

const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "expected a lower-case name of letters, digits, '.' and '-'"),
  description: z.string(),
  hardwareQueues: z.int().positive(),
  /** Requests the device accepts at once (NVMe tags, NCQ depth). */
  tagDepth: z.int().positive(),
  /** Internal servers working in parallel. */
  parallelism: z.int().positive(),
  readMBps: z.number().positive(),
  writeMBps: z.number().positive(),
  /** CPU the kernel spends per I/O on the submitting thread (submission + completion). */
  pathCpuUs: z.number().nonnegative(),
  source: z.string(),
};

const FlashSchema = z.strictObject({
  ...common,
  class: z.enum(["nvme", "ssd", "virtual", "loop"]),
  /** Mean device service time of a 4 KiB read / write, microseconds. */
  readUs: z.number().positive(),
  writeUs: z.number().positive(),
  latencyCv: z.number().nonnegative(),
  /** Provisioned IOPS ceiling (cloud volumes). */
  iopsLimit: z.number().positive().optional(),
});

const DiskSchema = z.strictObject({
  ...common,
  class: z.literal("hdd"),
  rpm: z.number().positive(),
  trackToTrackMs: z.number().positive(),
  averageSeekMs: z.number().positive(),
  fullStrokeMs: z.number().positive(),
});

export const DeviceSpecSchema = z.discriminatedUnion("class", [FlashSchema, DiskSchema]);
export type DeviceSpec = z.output<typeof DeviceSpecSchema>;
export type FlashSpec = z.output<typeof FlashSchema>;
export type DiskSpec = z.output<typeof DiskSchema>;

export const DeviceCatalogSchema = z.strictObject({
  schedulers: z.strictObject({
    none: SchedulerCostSchema,
    "mq-deadline": SchedulerCostSchema,
    bfq: SchedulerCostSchema,
    kyber: SchedulerCostSchema,
  }),
  devices: z.array(DeviceSpecSchema).min(1),
});

export type DeviceCatalog = z.output<typeof DeviceCatalogSchema>;

export function loadDeviceCatalog(file = join(packageRoot(), "models", "devices.yaml")): DeviceCatalog {
  return loadYaml(file, DeviceCatalogSchema);
}

/**
 * The seed document's single-queue scheduler names map to their blk-mq successors (noop → none,
 * deadline → mq-deadline, cfq → bfq, its descendant): kernels since 5.0 have only the latter
 * (6.18 refuses noop and cfq with EINVAL: block/elevator.c accepts only registered schedulers,
 * and block/mq-deadline.c registers the alias "deadline"). Returns the name and, for a legacy
 * name, a warning to show.
 */
export function normalizeScheduler(name: string): { scheduler: SchedulerName; warning?: string } | undefined {
  const legacy: Record<string, SchedulerName> = { noop: "none", deadline: "mq-deadline", cfq: "bfq" };
  const mapped = legacy[name];
  if (mapped !== undefined) {
    return {
      scheduler: mapped,
      warning: `I/O scheduler '${name}' is a legacy single-queue name; using its blk-mq successor '${mapped}'`,
    };
  }
  return (SCHEDULERS as readonly string[]).includes(name) ? { scheduler: name as SchedulerName } : undefined;
}
