import { RESCTRL } from "../discovery/resctrl.js";
import { HostFsError } from "../host-fs-error.js";
import type { Parsed } from "../parsers/parsed.js";
import { parseTasks } from "../parsers/resctrl.js";
import { parseListFile } from "../parsers/sysfs-values.js";
import { readParsed } from "../read-parsed.js";
import type { KnobContext } from "./knob-access.js";

/*
 * The resource groups of a resctrl mount (Documentation/arch/x86/resctrl.rst). The mount itself is
 * the root (default) control group; every other top-level directory with a tasks file is a control
 * group. Each control group, the root included, may hold monitoring groups in its mon_groups/
 * (someone's pqos or collectd counting a workload's cache use). A task is in exactly one control
 * group and at most one of its monitoring groups; a control group's tasks file also lists the tasks
 * of its monitoring groups. Groups are named by their path under the mount: "gold",
 * "mon_groups/pqos" (one of the root's), "gold/mon_groups/x"; "" is the root.
 */

export const ROOT = "";

/** Top-level entries that are not control groups (a user group may well be called "mon_x"). */
const NOT_GROUPS = new Set(["info", "mon_data", "mon_groups"]);

/**
 * Reads a group's file. Only "there is no such group" gives undefined: ENOENT (removed meanwhile)
 * and ENOTDIR (a plain file of the root such as `cpus`, not a directory). Any other failure, such
 * as a tasks file we may not read, is thrown: taking it for "no group" would misplace its tasks.
 */
export async function readGroupFile<T>(
  ctx: KnobContext,
  path: string,
  parse: (text: string, file: string) => Parsed<T>,
): Promise<T | undefined> {
  try {
    return await readParsed(ctx.host, path, parse);
  } catch (error) {
    if (noSuchGroup(error)) return undefined;
    throw error;
  }
}

/** ENOENT (removed meanwhile) or ENOTDIR (a plain file, not a group's directory). */
function noSuchGroup(error: unknown): boolean {
  return error instanceof HostFsError && (error.code === "ENOENT" || error.code === "ENOTDIR");
}

async function listDir(ctx: KnobContext, path: string): Promise<string[]> {
  try {
    return await ctx.host.readDir(path);
  } catch (error) {
    if (noSuchGroup(error)) return [];
    throw error;
  }
}

export interface Group {
  path: string;
  tasks: number[];
}

/** Every control group but the root, with its tasks. */
export async function controlGroups(ctx: KnobContext): Promise<Group[]> {
  const out: Group[] = [];
  for (const name of await ctx.host.readDir(RESCTRL)) {
    if (NOT_GROUPS.has(name)) continue;
    const tasks = await readGroupFile(ctx, `${RESCTRL}/${name}/tasks`, parseTasks);
    if (tasks !== undefined) out.push({ path: name, tasks });
  }
  return out;
}

/** The monitoring groups of a control group (the root's are mon_groups/ at the top). */
async function monitorGroups(ctx: KnobContext, control: string): Promise<Group[]> {
  const base = control === ROOT ? "mon_groups" : `${control}/mon_groups`;
  const out: Group[] = [];
  for (const name of await listDir(ctx, `${RESCTRL}/${base}`)) {
    const tasks = await readGroupFile(ctx, `${RESCTRL}/${base}/${name}/tasks`, parseTasks);
    if (tasks !== undefined) out.push({ path: `${base}/${name}`, tasks });
  }
  return out;
}

/** The control group of a group path: "gold/mon_groups/x" → "gold", "mon_groups/x" → the root. */
export function controlOf(path: string): string {
  return path.startsWith("mon_groups/") ? ROOT : (path.split("/")[0] as string);
}

/**
 * The group each thread is in, the most specific one: a monitoring group listing it, else the
 * control group listing it, else the root (whose tasks file lists every task, so it is not read).
 * Every group is read, not only ours, to notice a thread someone else placed or is monitoring.
 */
export async function membership(ctx: KnobContext, tids: readonly number[]): Promise<Map<number, string>> {
  const controls = await controlGroups(ctx);
  const groups: Group[] = [];
  for (const control of [ROOT, ...controls.map((group) => group.path)])
    groups.push(...(await monitorGroups(ctx, control)));
  groups.push(...controls);
  return new Map(tids.map((tid) => [tid, groups.find((group) => group.tasks.includes(tid))?.path ?? ROOT]));
}

/**
 * Removes twintune's control groups (named `prefix`...) that hold nothing any more: no task, no
 * CPU, no monitoring group. A confined process that exits leaves one behind (the kernel drops the
 * tasks, not the group), and each holds one of the few CLOSIDs. Other groups, and twintune's that
 * hold anything, are never touched. Gives the groups removed.
 */
export async function removeEmptyGroups(ctx: KnobContext, prefix: string, except?: string): Promise<string[]> {
  const removeDir = ctx.host.removeDir?.bind(ctx.host);
  if (removeDir === undefined) return [];
  const removed: string[] = [];
  for (const group of await controlGroups(ctx)) {
    if (!group.path.startsWith(prefix) || group.path === except || group.tasks.length > 0) continue;
    const cpus = await readGroupFile(ctx, `${RESCTRL}/${group.path}/cpus_list`, parseListFile);
    if ((cpus?.length ?? 0) > 0 || (await monitorGroups(ctx, group.path)).length > 0) continue;
    await removeDir(`${RESCTRL}/${group.path}`);
    removed.push(group.path);
  }
  return removed;
}
