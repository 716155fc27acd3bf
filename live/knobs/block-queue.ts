import type { KnobRef } from "../../src/backend.js";
import { MAX_READ_AHEAD_KB } from "../../src/knob-bounds.js";
import { knobKey } from "../../src/tuners/tuner.js";
import { parseNaturalFile, parseSchedulerFile } from "../parsers/sysfs-values.js";
import { readOptional } from "../read-parsed.js";
import { blockTargets, deviceName, diskIdentity } from "./block-targets.js";
import { requireInteger } from "./bounds.js";
import type { KnobAccess, KnobContext } from "./knob-access.js";
import { parseIntegerText, readKnobFile, valueError, verifyByReadBack } from "./shared.js";

const queue = (device: string, file: string) => `/sys/block/${deviceName(device)}/queue/${file}`;

/** Renamed or removed single-queue schedulers (removed in 5.0) and what replaced them. */
const LEGACY: Record<string, string> = { noop: "none", cfq: "bfq", deadline: "mq-deadline" };

async function getScheduler(ctx: KnobContext, device: string) {
  const ref: KnobRef = { knob: "io-scheduler", target: device };
  return readKnobFile(ctx.host, ref, queue(device, "scheduler"), parseSchedulerFile);
}

/** The scheduler the device will have when the batch's earlier changes are in. */
export async function effectiveScheduler(ctx: KnobContext, device: string): Promise<string> {
  const pending = ctx.pending.get(knobKey({ knob: "io-scheduler", target: device }));
  return typeof pending === "string" ? pending : (await getScheduler(ctx, device)).active;
}

export const ioScheduler: KnobAccess<"io-scheduler"> = {
  name: "io-scheduler",
  group: "block",
  identity: (ctx, target) => diskIdentity(ctx.host, target),
  order: 10,
  summary: "blk-mq scheduler of a disk (none, mq-deadline, bfq, kyber): queue/scheduler",
  targets: async (ctx) => {
    const out: string[] = [];
    for (const device of await blockTargets(ctx.host, "scheduler")) {
      if ((await getScheduler(ctx, device)).available.length > 1) out.push(device);
    }
    return out;
  },
  available: async (ctx, target) =>
    (await ctx.host.exists(queue(target, "scheduler"))) && (await getScheduler(ctx, target)).available.length > 1,
  path: (target) => queue(target, "scheduler"),
  writable: (ctx, target) => ctx.host.checkWritable(queue(target, "scheduler")),
  get: async (ctx, target) => (await getScheduler(ctx, target)).active,
  async set(ctx, target, value, options) {
    const ref: KnobRef = { knob: "io-scheduler", target };
    const name = value.trim();
    const { available } = await getScheduler(ctx, target);
    // "deadline" is still accepted as an alias of mq-deadline; noop and cfq give EINVAL since 5.0.
    const normalized = name === "deadline" && available.includes("mq-deadline") ? "mq-deadline" : name;
    if (!available.includes(normalized)) {
      const hint = LEGACY[name] ? ` ('${name}' is a pre-5.0 scheduler: use '${LEGACY[name]}')` : "";
      throw valueError(ref, `scheduler '${name}' is not offered (available: ${available.join(", ")})${hint}`);
    }
    if (!options.dryRun) await ctx.host.writeText(queue(target, "scheduler"), normalized);
    return normalized;
  },
  verify: verifyByReadBack(async (ctx, target) => (await getScheduler(ctx, target)).active),
  parse: (text) => text.trim(),
  async dependents(ctx, target) {
    const refs: KnobRef[] = [];
    if (await ctx.host.exists(queue(target, "nr_requests"))) refs.push({ knob: "nr-requests", target });
    if (await ctx.host.exists(queue(target, "iosched"))) {
      for (const name of await ctx.host.readDir(queue(target, "iosched"))) {
        refs.push({ knob: "iosched-tunable", target: `${target}/${name}` });
      }
    }
    return refs;
  },
};

/**
 * BLKDEV_MIN_RQ = 4 (include/linux/blkdev.h; the kernel silently raises smaller values to 4).
 * With a scheduler the limit is MAX_SCHED_RQ = 2048 (block/blk-mq-sched.h: 16 × BLKDEV_DEFAULT_RQ 128;
 * 4096 gives EINVAL, block/blk-sysfs.c queue_requests_store); with `none` it is the hardware tag
 * depth.
 */
const MIN_REQUESTS = 4;
const MAX_SCHED_REQUESTS = 2048;

async function nrRequestsLimit(ctx: KnobContext, device: string): Promise<number> {
  if ((await effectiveScheduler(ctx, device)) !== "none") return MAX_SCHED_REQUESTS;
  const tags = await readOptional(ctx.host, `/sys/block/${deviceName(device)}/mq/0/nr_tags`, parseNaturalFile);
  return tags ?? MAX_SCHED_REQUESTS;
}

export const nrRequests: KnobAccess<"nr-requests"> = {
  name: "nr-requests",
  group: "block",
  identity: (ctx, target) => diskIdentity(ctx.host, target),
  order: 20,
  summary: "requests the block layer queues per disk: queue/nr_requests (reset by a scheduler switch)",
  targets: (ctx) => blockTargets(ctx.host, "nr_requests"),
  available: (ctx, target) => ctx.host.exists(queue(target, "nr_requests")),
  path: (target) => queue(target, "nr_requests"),
  writable: (ctx, target) => ctx.host.checkWritable(queue(target, "nr_requests")),
  get: (ctx, target) =>
    readKnobFile(ctx.host, { knob: "nr-requests", target }, queue(target, "nr_requests"), parseNaturalFile),
  async set(ctx, target, value, options) {
    const ref: KnobRef = { knob: "nr-requests", target };
    const max = options.restore ? Number.MAX_SAFE_INTEGER : await nrRequestsLimit(ctx, target);
    const normalized = requireInteger(ref, value, options.restore ? 0 : MIN_REQUESTS, max, "nr_requests");
    if (!options.dryRun) await ctx.host.writeText(queue(target, "nr_requests"), String(normalized));
    return normalized;
  },
  verify: verifyByReadBack((ctx, target) =>
    readKnobFile(ctx.host, { knob: "nr-requests", target }, queue(target, "nr_requests"), parseNaturalFile),
  ),
  parse: parseIntegerText,
};

/** The kernel keeps read-ahead in pages (ra_pages = kb / 4 with 4 KiB pages): 130 reads back as 128. */
const PAGE_KB = 4;

export const readAheadKb: KnobAccess<"read-ahead-kb"> = {
  name: "read-ahead-kb",
  group: "block",
  identity: (ctx, target) => diskIdentity(ctx.host, target),
  order: 30,
  summary: "read-ahead of a disk in KiB: queue/read_ahead_kb",
  targets: (ctx) => blockTargets(ctx.host, "read_ahead_kb"),
  available: (ctx, target) => ctx.host.exists(queue(target, "read_ahead_kb")),
  path: (target) => queue(target, "read_ahead_kb"),
  writable: (ctx, target) => ctx.host.checkWritable(queue(target, "read_ahead_kb")),
  get: (ctx, target) =>
    readKnobFile(ctx.host, { knob: "read-ahead-kb", target }, queue(target, "read_ahead_kb"), parseNaturalFile),
  async set(ctx, target, value, options) {
    const ref: KnobRef = { knob: "read-ahead-kb", target };
    const kb = requireInteger(
      ref,
      value,
      0,
      options.restore ? Number.MAX_SAFE_INTEGER : MAX_READ_AHEAD_KB,
      "read_ahead_kb",
    );
    const normalized = kb - (kb % PAGE_KB);
    if (!options.dryRun) await ctx.host.writeText(queue(target, "read_ahead_kb"), String(normalized));
    return normalized;
  },
  verify: verifyByReadBack((ctx, target) =>
    readKnobFile(ctx.host, { knob: "read-ahead-kb", target }, queue(target, "read_ahead_kb"), parseNaturalFile),
  ),
  parse: parseIntegerText,
};
