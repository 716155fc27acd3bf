import type { KnobRef } from "../../src/backend.js";
import { heldInTicks } from "../discovery/kernel-hz.js";
import { parseNaturalFile } from "../parsers/sysfs-values.js";
import { effectiveScheduler, ioScheduler } from "./block-queue.js";
import { deviceName, diskIdentity } from "./block-targets.js";
import { requireInteger } from "./bounds.js";
import type { KnobAccess } from "./knob-access.js";
import { parseIntegerText, readKnobFile, valueError } from "./shared.js";

/**
 * Each scheduler's tunables (Documentation/block/{deadline,bfq,kyber}-iosched.rst; the attributes
 * block/mq-deadline.c, bfq-iosched.c and kyber-iosched.c register). Flags take 0 or 1.
 */
export const IOSCHED_TUNABLES: Record<string, { names: readonly string[]; flags: readonly string[] }> = {
  "mq-deadline": {
    names: [
      "read_expire",
      "write_expire",
      "writes_starved",
      "fifo_batch",
      "front_merges",
      "async_depth",
      "prio_aging_expire",
    ],
    flags: ["front_merges"],
  },
  bfq: {
    names: [
      "slice_idle",
      "slice_idle_us",
      "low_latency",
      "fifo_expire_sync",
      "fifo_expire_async",
      "back_seek_max",
      "back_seek_penalty",
      "timeout_sync",
      "max_budget",
      "strict_guarantees",
    ],
    flags: ["low_latency", "strict_guarantees"],
  },
  kyber: { names: ["read_lat_nsec", "write_lat_nsec"], flags: [] },
};

/**
 * Tunables the kernel keeps in jiffies: a write goes through msecs_to_jiffies, which rounds up to
 * the tick, and a read through jiffies_to_msecs (mq-deadline's expiries, bfq's timeout_sync). At
 * HZ=250, 125 ms reads back as 128. Where the kernel's HZ is known (and a tick is whole
 * milliseconds), the value planned is the one it will hold; where not, a read-back up to a tick
 * above (at most 10 ms, HZ=100) is accepted.
 */
const IN_TICKS = new Set(["read_expire", "write_expire", "prio_aging_expire", "timeout_sync"]);
const MAX_TICK_MS = 10;

/**
 * Tunables whose store raises a value under a minimum to it, rather than refuse it: bfq's
 * timeout_sync and fifo_expire_* (1 ms; written 0, fifo_expire_sync reads back 1 on 6.18) and
 * mq-deadline's async_depth (1).
 */
const RAISED_TO: Record<string, number> = {
  timeout_sync: 1,
  fifo_expire_sync: 1,
  fifo_expire_async: 1,
  async_depth: 1,
};

/** "sda/read_expire" → ["sda", "read_expire"]. */
export function splitTunableTarget(target: string): [string, string] {
  const slash = target.indexOf("/");
  const name = target.slice(slash + 1);
  if (slash <= 0 || !/^[a-z_]{1,40}$/.test(name)) throw new Error(`'${target}' is not '<device>/<tunable>'`);
  return [deviceName(target.slice(0, slash)), name];
}

const path = (target: string) => {
  const [device, name] = splitTunableTarget(target);
  return `/sys/block/${device}/queue/iosched/${name}`;
};

const get: KnobAccess<"iosched-tunable">["get"] = (ctx, target) =>
  readKnobFile(ctx.host, { knob: "iosched-tunable", target }, path(target), parseNaturalFile);

export const ioschedTunable: KnobAccess<"iosched-tunable"> = {
  name: "iosched-tunable",
  group: "block",
  identity: (ctx, target) => diskIdentity(ctx.host, target.split("/")[0] as string),
  order: 40,
  summary: "a tunable of the active scheduler, target <disk>/<name>: queue/iosched/<name>",
  async targets(ctx) {
    const out: string[] = [];
    for (const device of await ioScheduler.targets(ctx)) {
      const dir = `/sys/block/${device}/queue/iosched`;
      if (await ctx.host.exists(dir)) for (const name of await ctx.host.readDir(dir)) out.push(`${device}/${name}`);
    }
    return out;
  },
  async available(ctx, target) {
    if (await ctx.host.exists(path(target))) return true;
    // A tunable of the scheduler an earlier change of the batch switches to.
    const [device, name] = splitTunableTarget(target);
    const pending = await effectiveScheduler(ctx, device);
    return (
      pending !== (await ioScheduler.get(ctx, device)) && (IOSCHED_TUNABLES[pending]?.names.includes(name) ?? false)
    );
  },
  path,
  get,
  writable: (ctx, target) => ctx.host.checkWritable(path(target)),
  async set(ctx, target, value, options) {
    const ref: KnobRef = { knob: "iosched-tunable", target };
    const [device, name] = splitTunableTarget(target);
    const scheduler = await effectiveScheduler(ctx, device);
    const known = IOSCHED_TUNABLES[scheduler];
    const switching = scheduler !== (await ioScheduler.get(ctx, device));
    // After a pending switch the file does not exist yet: check the name against the new scheduler.
    if (switching ? !known?.names.includes(name) : !(await ctx.host.exists(path(target)))) {
      throw valueError(ref, `scheduler ${scheduler} has no tunable '${name}'`);
    }
    const max = known?.flags.includes(name) ? 1 : 2 ** 31 - 1;
    let normalized = requireInteger(ref, value, 0, options.restore ? Number.MAX_SAFE_INTEGER : max, name);
    // Stores that raise a smaller value to their minimum: planned as the kernel will hold it.
    const least = RAISED_TO[name];
    if (least !== undefined && normalized < least && !options.restore) normalized = least;
    const hz = IN_TICKS.has(name) ? await ctx.kernelHz?.() : undefined;
    const held = hz === undefined ? undefined : heldInTicks(normalized, hz);
    if (held !== undefined) normalized = Math.min(max, held);
    if (!options.dryRun) await ctx.host.writeText(path(target), String(normalized));
    return normalized;
  },
  async verify(ctx, target, expected) {
    const found = await get(ctx, target);
    const [, name] = splitTunableTarget(target);
    const rounded = IN_TICKS.has(name) && found >= expected && found - expected < MAX_TICK_MS;
    return { ok: found === expected || rounded, found };
  },
  parse: parseIntegerText,
};
