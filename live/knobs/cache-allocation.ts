import type { KnobRef } from "../../src/backend.js";
import { KnobUnavailableError } from "../../src/backend.js";
import { canonicalProcessTarget, pidOfTarget, processWorkloadId } from "../discovery/process-workloads.js";
import { type L3Allocation, probeL3Allocation, RESCTRL } from "../discovery/resctrl.js";
import { HostFsError } from "../host-fs-error.js";
import { maskWays, parseSchemata, parseTasks, waysMask } from "../parsers/resctrl.js";
import type { KnobAccess, KnobContext } from "./knob-access.js";
import { exitedWhy, processIdentity, threadIds } from "./process.js";
import { controlOf, membership, ROOT, readGroupFile, removeEmptyGroups } from "./resctrl-groups.js";
import { l3Line, placement, TWINTUNE_GROUP_PREFIX } from "./resctrl-placement.js";
import { parseIntegerText, readKnobFile, valueError } from "./shared.js";

/*
 * "llc-ways": how many ways of the L3 cache a process may fill, through the resctrl filesystem
 * (Documentation/arch/x86/resctrl.rst). A resource group is a directory of /sys/fs/resctrl; its
 * `schemata` holds one capacity bitmask per L3 domain and its `tasks` the threads in it, each
 * thread in exactly one group. twintune gives each process it confines a group of its own,
 * twintune-pid-<pid>, holding N contiguous ways in every domain: the lowest run inside the root
 * group's mask that no other group reserves (an admin's reserved ways stay theirs; twintune's
 * own groups share theirs, and a group with every way reserves nothing). The full way count
 * means no confinement: the threads go back to the root (default) group and the group is removed,
 * so a revert leaves no group (and no CLOSID) behind; so does a failed confinement, and a group
 * left by a process that exited is removed on the next write or restore.
 */

const PREFIX = TWINTUNE_GROUP_PREFIX;

function refOf(target: string): KnobRef {
  return { knob: "llc-ways", target };
}

function pidOf(ref: KnobRef): number {
  const pid = pidOfTarget(ref.target);
  if (pid === undefined) throw valueError(ref, `target '${ref.target}' is not a process ('pid:1234')`);
  return pid;
}

/** The group for a process, named after its workload id so "1234" and "pid:1234" share one. */
function groupOf(target: string): string {
  const pid = pidOfTarget(target);
  return `${PREFIX}${(pid === undefined ? target : processWorkloadId(pid)).replace(/[^\w.-]/g, "-")}`;
}

async function allocation(ctx: KnobContext, ref: KnobRef): Promise<L3Allocation> {
  const probe = await probeL3Allocation(ctx.host);
  if (!probe.ok) throw new KnobUnavailableError(ref, probe.why);
  return probe.value;
}

/** The target's pid; a process that is gone is unavailable (a write would hit ESRCH). */
async function livePid(ctx: KnobContext, ref: KnobRef): Promise<number> {
  const pid = pidOf(ref);
  if (!(await ctx.host.exists(`/proc/${pid}/stat`))) throw new KnobUnavailableError(ref, `no process ${pid}`);
  const exited = await exitedWhy(ctx, ref.target);
  if (exited !== undefined) throw new KnobUnavailableError(ref, exited);
  return pid;
}

/**
 * The ways a group's L3 masks give. twintune writes the same mask to every domain; if they differ
 * (someone edited it) the fewest, so the read-back no longer matches what we wrote.
 */
async function waysIn(ctx: KnobContext, ref: KnobRef, info: L3Allocation, group: string): Promise<number> {
  if (group === ROOT) return info.ways;
  const path = `${RESCTRL}/${group}/schemata`;
  const l3 = l3Line(await readKnobFile(ctx.host, ref, path, parseSchemata));
  if (l3 === undefined || l3.domains.length === 0) throw new KnobUnavailableError(ref, `${path} has no L3 line`);
  return Math.min(...l3.domains.map((domain) => maskWays(domain.value) ?? 0));
}

/** A whole number of ways the kernel takes: at least min_cbm_bits, at most the bitmask length. */
function requireWays(ref: KnobRef, value: unknown, info: L3Allocation): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < info.minBits || value > info.ways) {
    throw valueError(
      ref,
      `expected a whole number of L3 ways from ${info.minBits} (info/L3/min_cbm_bits) to ${info.ways} ` +
        `(the whole cache: no confinement), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Moves threads into a group by writing their ids to its tasks file, one id per write as every kernel takes it. */
async function moveThreads(ctx: KnobContext, tasksPath: string, tids: readonly number[]): Promise<void> {
  for (const tid of tids) {
    try {
      await ctx.host.writeText(tasksPath, `${tid}\n`);
    } catch (error) {
      if (error instanceof HostFsError && error.code === "ESRCH") continue; // the thread exited meanwhile
      throw error;
    }
  }
}

/** mkdir: the kernel gives the group a CLOSID and its files; ENOSPC when all num_closids are taken. */
async function makeGroup(ctx: KnobContext, ref: KnobRef, dir: string, info: L3Allocation): Promise<void> {
  if (ctx.host.makeDir === undefined) throw new KnobUnavailableError(ref, "this host cannot create directories");
  try {
    await ctx.host.makeDir(dir);
  } catch (error) {
    if (!(error instanceof HostFsError && error.code === "ENOSPC")) throw error;
    throw new HostFsError(
      "mkdir",
      dir,
      "ENOSPC",
      `no CLOSID left: all ${info.closids} of info/L3/num_closids are in use (the root group holds one); ` +
        `remove an unused group under ${RESCTRL} first`,
    );
  }
}

/**
 * Group created if missing, its masks written before any thread joins it, then every thread moved
 * in. A failure undoes what was done (threads moved back to the root, the masks put back, a group
 * made here removed), so no group and no CLOSID is left behind that the journal knows nothing of.
 */
async function confine(
  ctx: KnobContext,
  ref: KnobRef,
  info: L3Allocation,
  ways: number,
  groups: ReadonlyMap<number, string>,
) {
  const dir = `${RESCTRL}/${groupOf(ref.target)}`;
  const first = await placement(ctx, ref, info, ways);
  const existed = await ctx.host.exists(`${dir}/tasks`);
  const before = existed ? l3Line(await readGroupFile(ctx, `${dir}/schemata`, parseSchemata)) : undefined;
  if (!existed) await makeGroup(ctx, ref, dir, info);
  const fromRoot = [...groups].filter(([, group]) => group === ROOT).map(([tid]) => tid);
  try {
    const masks = info.domains.map((id) => `${id}=${waysMask(first, ways)}`).join(";");
    // rdtgroup_schemata_write takes a line only with its trailing newline (EINVAL otherwise).
    await ctx.host.writeText(`${dir}/schemata`, `L3:${masks}\n`);
    await moveThreads(ctx, `${dir}/tasks`, [...groups.keys()]);
  } catch (error) {
    // Best effort: the first failure is the one to report.
    await moveThreads(ctx, `${RESCTRL}/tasks`, fromRoot).catch(() => undefined);
    if (before !== undefined) {
      const masks = before.domains.map((domain) => `${domain.id}=${domain.value}`).join(";");
      await ctx.host.writeText(`${dir}/schemata`, `L3:${masks}\n`).catch(() => undefined);
    }
    if (!existed) await removeIfEmpty(ctx, ref, dir).catch(() => undefined);
    throw error;
  }
}

/** rmdir of a group nothing is in any more (rmdir would move what is left to the root). */
async function removeIfEmpty(ctx: KnobContext, ref: KnobRef, dir: string): Promise<void> {
  const left = await readGroupFile(ctx, `${dir}/tasks`, parseTasks);
  if (left === undefined || left.length > 0) return;
  if (ctx.host.removeDir === undefined) throw new KnobUnavailableError(ref, "this host cannot remove directories");
  await ctx.host.removeDir(dir);
}

/**
 * Threads back to the root group (writing an id to the root's tasks moves it there), then the
 * group removed when nothing is left in it. Tasks still in it (children forked while confined
 * inherit the group) keep it: they are not this target's threads.
 */
async function unconfine(ctx: KnobContext, ref: KnobRef, tids: number[]) {
  await moveThreads(ctx, `${RESCTRL}/tasks`, tids);
  await removeIfEmpty(ctx, ref, `${RESCTRL}/${groupOf(ref.target)}`);
}

export const llcWays: KnobAccess<"llc-ways"> = {
  name: "llc-ways",
  group: "process",
  canonical: canonicalProcessTarget,
  // After cpu-affinity (70): where a process runs is decided before its share of the cache there.
  order: 75,
  summary: "Ways of the L3 cache a process (all its threads) may fill, target pid:<pid>: a resctrl group (CAT)",
  targets: async () => [],
  async available(ctx, target) {
    const pid = pidOfTarget(target);
    if (pid === undefined || ctx.host.makeDir === undefined || ctx.host.removeDir === undefined) return false;
    return (await ctx.host.exists(`/proc/${pid}/stat`)) && (await probeL3Allocation(ctx.host)).ok;
  },
  async unavailableWhy(ctx, target) {
    const pid = pidOfTarget(target);
    if (pid === undefined) return `target '${target}' is not a process ('pid:1234')`;
    if (!(await ctx.host.exists(`/proc/${pid}/stat`))) return `no process ${pid}`;
    const probe = await probeL3Allocation(ctx.host);
    return probe.ok ? undefined : probe.why;
  },
  path: (target) => `${RESCTRL}/${groupOf(target)}`,
  async writable(ctx, target) {
    await ctx.host.checkWritable(`${RESCTRL}/tasks`);
    const dir = `${RESCTRL}/${groupOf(target)}`;
    if (await ctx.host.exists(`${dir}/tasks`)) {
      await ctx.host.checkWritable(`${dir}/schemata`);
      await ctx.host.checkWritable(`${dir}/tasks`);
    }
  },
  /** The ways of the group the main thread is in (the root group: all of them). */
  async get(ctx, target) {
    const ref = refOf(target);
    const info = await allocation(ctx, ref);
    const pid = await livePid(ctx, ref);
    return waysIn(ctx, ref, info, controlOf((await membership(ctx, [pid])).get(pid) ?? ROOT));
  },
  /** Restores take the same path: the previous way count is put back exactly, in either direction. */
  async set(ctx, target, value, options) {
    const ref = refOf(target);
    const info = await allocation(ctx, ref);
    const ways = requireWays(ref, value, info);
    const tids = await threadIds(ctx, await livePid(ctx, ref));
    const ours = groupOf(target);
    const groups = await membership(ctx, tids);
    const foreign = [...groups.values()].find((group) => group !== ROOT && group !== ours);
    if (foreign !== undefined) {
      throw new KnobUnavailableError(
        ref,
        `a thread of it is in resctrl group '${foreign}', not twintune's: left alone`,
      );
    }
    if (options.dryRun) {
      if (ways !== info.ways) await placement(ctx, ref, info, ways);
      return ways;
    }
    // Groups left by confined processes that exited: their CLOSIDs are needed (best effort).
    await removeEmptyGroups(ctx, PREFIX, ours).catch(() => undefined);
    if (ways === info.ways) await unconfine(ctx, ref, tids);
    else await confine(ctx, ref, info, ways, groups);
    return ways;
  },
  /** Every thread must be in the expected group, not only the main one, and the group hold the ways. */
  async verify(ctx, target, expected) {
    const ref = refOf(target);
    const info = await allocation(ctx, ref);
    const pid = await livePid(ctx, ref);
    const tids = await threadIds(ctx, pid);
    const groups = await membership(ctx, [pid, ...tids]);
    const want = expected === info.ways ? ROOT : groupOf(target);
    const stray = tids.find((tid) => groups.get(tid) !== want);
    const found = await waysIn(ctx, ref, info, controlOf(groups.get(stray ?? pid) ?? ROOT));
    return { ok: stray === undefined && found === expected, found };
  },
  parse: (text) => parseIntegerText(text),
  identity: (ctx, target) => processIdentity(ctx, target, "llc-ways"),
  /** The process exited: its group (now empty) and any other empty group of twintune's go. */
  async gone(ctx) {
    await removeEmptyGroups(ctx, PREFIX);
  },
};
