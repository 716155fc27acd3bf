import { type KnobName, type KnobRef, KnobUnavailableError } from "../../src/backend.js";
import { formatCpuList, parseCpuList } from "../../src/cpulist.js";
import { canonicalProcessTarget, pidOfTarget } from "../discovery/process-workloads.js";
import { HostFsError } from "../host-fs-error.js";
import { bytesByNode, parseNumaMaps } from "../parsers/numa-maps.js";
import { parsePidStat } from "../parsers/pid-stat.js";
import { parsePidStatus } from "../parsers/pid-status.js";
import { parseListFile } from "../parsers/sysfs-values.js";
import { readOptional } from "../read-parsed.js";
import { requireIdSet } from "./bounds.js";
import type { KnobAccess, KnobContext } from "./knob-access.js";
import { commandFailure, readKnobFile, requireRoot, valueError } from "./shared.js";

function pidOf(ref: KnobRef): number {
  const pid = pidOfTarget(ref.target);
  if (pid === undefined) throw valueError(ref, `target '${ref.target}' is not a process ('pid:1234')`);
  return pid;
}

/** pid + start time: a pid the kernel reused for another process has another start time. */
export async function processIdentity(ctx: KnobContext, target: string, knob: KnobName): Promise<string> {
  const ref: KnobRef = { knob, target };
  const pid = pidOf(ref);
  const stat = await readKnobFile(ctx.host, ref, `/proc/${pid}/stat`, parsePidStat);
  return `${pid}@${stat.startTicks}`;
}

/**
 * Whether a process has exited but is not yet reaped: its main thread a zombie (state Z or X) and
 * no other thread left. A main thread that called pthread_exit is a zombie too while the others
 * run (`Threads:` counts them, 1 for a plain zombie): that process is still there to pin.
 */
async function exitedProcess(ctx: KnobContext, pid: number): Promise<boolean> {
  const stat = await readOptional(ctx.host, `/proc/${pid}/stat`, parsePidStat);
  if (stat === undefined || (stat.state !== "Z" && stat.state !== "X")) return false;
  const status = await ctx.host.readText(`/proc/${pid}/status`).catch(() => "");
  const threads = Number(/^Threads:\s*(\d+)/m.exec(status)?.[1] ?? "1");
  return threads <= 1;
}

/** Why a process knob is not offered for `target`, when the process is there but has exited. */
export async function exitedWhy(ctx: KnobContext, target: string): Promise<string | undefined> {
  const pid = pidOfTarget(target);
  return pid !== undefined && (await exitedProcess(ctx, pid))
    ? `process ${pid} has exited (a zombie its parent has not reaped yet)`
    : undefined;
}

/** The thread ids of a process (/proc/<pid>/task), or the pid alone where the task directory is absent. */
export async function threadIds(ctx: KnobContext, pid: number): Promise<number[]> {
  const tasks = (await ctx.host.exists(`/proc/${pid}/task`)) ? await ctx.host.readDir(`/proc/${pid}/task`) : [];
  const tids = tasks.map(Number).filter((tid) => Number.isSafeInteger(tid) && tid > 0);
  return tids.length > 0 ? tids : [pid];
}

async function threadAffinities(ctx: KnobContext, ref: KnobRef): Promise<number[][]> {
  const pid = pidOf(ref);
  const out: number[][] = [];
  for (const tid of await threadIds(ctx, pid)) {
    // A thread may exit meanwhile; without a task directory the main thread's status is the process's.
    const status =
      (await readOptional(ctx.host, `/proc/${pid}/task/${tid}/status`, parsePidStatus)) ??
      (tid === pid ? await readOptional(ctx.host, `/proc/${pid}/status`, parsePidStatus) : undefined);
    if (status !== undefined) out.push(status.cpusAllowed);
  }
  return out;
}

async function onlineCpus(ctx: KnobContext): Promise<number[]> {
  return readKnobFile(
    ctx.host,
    { knob: "cpu-affinity", target: "host" },
    "/sys/devices/system/cpu/online",
    parseListFile,
  );
}

export const cpuAffinity: KnobAccess<"cpu-affinity"> = {
  name: "cpu-affinity",
  group: "process",
  canonical: canonicalProcessTarget,
  order: 70,
  summary: "CPUs a process (all its threads) may run on, target pid:<pid>: taskset -a -p -c",
  targets: async () => [],
  available: async (ctx, target) =>
    pidOfTarget(target) !== undefined &&
    (await ctx.host.exists(`/proc/${pidOfTarget(target)}/status`)) &&
    !(await exitedProcess(ctx, pidOfTarget(target) as number)) &&
    (await ctx.runner.has("taskset")),
  async unavailableWhy(ctx, target) {
    if (!(await ctx.runner.has("taskset")))
      return "taskset cannot be run: not installed (util-linux), or the host is a captured tree (--root)";
    return (await exitedWhy(ctx, target)) ?? `no process ${pidOfTarget(target) ?? target}`;
  },
  path: (target) => `taskset -a -p -c <cpus> ${pidOfTarget(target) ?? target}`,
  writable: async (ctx, target) => requireRoot(ctx, `taskset -a -p -c <cpus> ${pidOfTarget(target) ?? target}`),
  /**
   * The process's CPUs: every thread's, when they agree. Threads pinned apart (a runtime's own
   * per-thread pinning) have no one value: set as a whole and restored as a whole, their masks
   * would be lost, so the knob is not offered for that process.
   */
  async get(ctx, target) {
    const ref: KnobRef = { knob: "cpu-affinity", target };
    const main = (await readKnobFile(ctx.host, ref, `/proc/${pidOf(ref)}/status`, parsePidStatus)).cpusAllowed;
    const masks = new Set((await threadAffinities(ctx, ref)).map((cpus) => formatCpuList(cpus)));
    masks.add(formatCpuList(main));
    if (masks.size > 1)
      throw new KnobUnavailableError(
        ref,
        `its threads run on different CPUs (${[...masks].join(" / ")}); twintune sets and restores a whole process's, which would lose each thread's own`,
      );
    return main;
  },
  async set(ctx, target, value, options) {
    const ref: KnobRef = { knob: "cpu-affinity", target };
    const pid = pidOf(ref);
    const cpus = options.restore
      ? [...value].sort((a, b) => a - b)
      : requireIdSet(ref, value, await onlineCpus(ctx), "CPU");
    if (!options.dryRun) {
      const args = ["-a", "-p", "-c", formatCpuList(cpus), String(pid)];
      requireRoot(ctx, `taskset ${args.join(" ")}`);
      const result = await ctx.runner.run("taskset", args);
      if (result.code !== 0) {
        const failure = commandFailure("taskset", args, result);
        // sched_setaffinity(2): EINVAL when no CPU of the mask is in the task's cpuset, or the
        // task is a kernel thread bound to its CPU (PF_NO_SETAFFINITY).
        if (failure.code !== "EINVAL") throw failure;
        throw new HostFsError(
          "write",
          failure.path,
          "EINVAL",
          `${failure.message.slice(`cannot write ${failure.path}: `.length)}; its cpuset does not allow these CPUs, or it is a kernel thread bound to its CPU`,
        );
      }
    }
    return cpus;
  },
  /** Every thread must hold the new set, not only the main one. */
  async verify(ctx, target, expected) {
    const ref: KnobRef = { knob: "cpu-affinity", target };
    const all = await threadAffinities(ctx, ref);
    const differing = all.find((cpus) => formatCpuList(cpus) !== formatCpuList(expected));
    return { ok: differing === undefined && all.length > 0, found: differing ?? all[0] ?? [] };
  },
  parse: (text) => parseCpuList(text),
  identity: (ctx, target) => processIdentity(ctx, target, "cpu-affinity"),
};

async function memoryNodes(ctx: KnobContext, target: string): Promise<number[]> {
  const ref: KnobRef = { knob: "numa-memory-nodes", target };
  const maps = await readKnobFile(ctx.host, ref, `/proc/${pidOf(ref)}/numa_maps`, parseNumaMaps);
  return [...bytesByNode(maps)]
    .filter(([, bytes]) => bytes > 0)
    .map(([node]) => node)
    .sort((a, b) => a - b);
}

export const numaMemoryNodes: KnobAccess<"numa-memory-nodes"> = {
  name: "numa-memory-nodes",
  group: "process",
  canonical: canonicalProcessTarget,
  order: 80,
  summary: "NUMA nodes holding a process's pages, target pid:<pid>: migratepages moves them",
  targets: async () => [],
  async available(ctx, target) {
    const pid = pidOfTarget(target);
    return (
      pid !== undefined &&
      (await ctx.host.exists(`/proc/${pid}/numa_maps`)) &&
      !(await exitedProcess(ctx, pid)) &&
      (await ctx.runner.has("migratepages"))
    );
  },
  unavailableWhy: async (ctx, target) => exitedWhy(ctx, target),
  path: (target) => `migratepages ${pidOfTarget(target) ?? target} <from> <to>`,
  writable: async (ctx, target) => requireRoot(ctx, `migratepages ${pidOfTarget(target) ?? target} <from> <to>`),
  get: memoryNodes,
  async set(ctx, target, value, options) {
    const ref: KnobRef = { knob: "numa-memory-nodes", target };
    const withMemory = await readKnobFile(ctx.host, ref, "/sys/devices/system/node/has_memory", parseListFile);
    const nodes = options.restore ? [...value].sort((a, b) => a - b) : requireIdSet(ref, value, withMemory, "node");
    if (!options.dryRun) {
      const from = await memoryNodes(ctx, target);
      // migrate_pages(2) pairs the lists like a bitmap remap; to land everything on `nodes`,
      // move from every node that holds pages to the target set.
      const args = [String(pidOf(ref)), formatCpuList(from.length > 0 ? from : nodes), formatCpuList(nodes)];
      requireRoot(ctx, `migratepages ${args.join(" ")}`);
      const result = await ctx.runner.run("migratepages", args);
      if (result.code !== 0) throw commandFailure("migratepages", args, result);
    }
    return nodes;
  },
  async verify(ctx, target, expected) {
    const found = await memoryNodes(ctx, target);
    return { ok: found.every((node) => expected.includes(node)), found };
  },
  parse: (text) => parseCpuList(text),
  identity: (ctx, target) => processIdentity(ctx, target, "numa-memory-nodes"),
};
