import { posix } from "node:path";
import type { KnobRef } from "../../src/backend.js";
import { formatCpuList, parseCpuList } from "../../src/cpulist.js";
import { knobKey } from "../../src/tuners/tuner.js";
import { parseListFile } from "../parsers/sysfs-values.js";
import { readOptional } from "../read-parsed.js";
import { requireIdSet } from "./bounds.js";
import type { KnobAccess, KnobContext } from "./knob-access.js";
import { readKnobFile, valueError, verifyByReadBack } from "./shared.js";

/**
 * cpuset.cpus / cpuset.mems of a cgroup, v1 (/sys/fs/cgroup/cpuset/<g>) or v2
 * (/sys/fs/cgroup/<g> with +cpuset in the parent's subtree_control); Documentation/admin-guide/
 * cgroup-v1/cpusets.rst, cgroup-v2.rst "Cpuset". The target is the cgroup directory; a v1 hierarchy
 * mounted with `noprefix` names the files `cpus` and `mems`.
 */
async function fileOf(ctx: KnobContext, ref: KnobRef, kind: "cpus" | "mems"): Promise<string> {
  const dir = ref.target.replace(/\/+$/, "");
  if (!dir.startsWith("/") || dir.split("/").includes(".."))
    throw valueError(ref, `'${ref.target}' is not a cgroup directory path`);
  for (const name of [`cpuset.${kind}`, kind]) {
    if (await ctx.host.exists(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return `${dir}/cpuset.${kind}`;
}

/**
 * What the parent allows: the value an earlier change of the same batch gives it (a parent set up
 * before its child), else its effective set (v2, and v1 since 4.x), else its configured set;
 * undefined when the target is a hierarchy's root (no cpuset above it).
 */
async function parentSet(ctx: KnobContext, ref: KnobRef, kind: "cpus" | "mems"): Promise<number[] | undefined> {
  const parent = ref.target.replace(/\/+$/, "").replace(/\/[^/]+$/, "");
  const pending = ctx.pending.get(knobKey({ knob: kind === "cpus" ? "cpuset-cpus" : "cpuset-mems", target: parent }));
  if (Array.isArray(pending)) return pending as number[];
  // v2 names the effective set cpuset.<kind>.effective; v1 cpuset.effective_<kind> (or without the
  // prefix under noprefix). A v2 group's own cpuset.<kind> may be empty: it inherits its parent's.
  for (const name of [
    `cpuset.${kind}.effective`,
    `cpuset.effective_${kind}`,
    `effective_${kind}`,
    `cpuset.${kind}`,
    kind,
  ]) {
    const set = await readOptional(ctx.host, `${parent}/${name}`, parseListFile);
    if (set !== undefined) return set;
  }
  return undefined;
}

function cpusetKnob(
  name: "cpuset-cpus" | "cpuset-mems",
  kind: "cpus" | "mems",
  order: number,
): KnobAccess<typeof name> {
  const get = async (ctx: KnobContext, target: string) => {
    const ref: KnobRef = { knob: name, target };
    return readKnobFile(ctx.host, ref, await fileOf(ctx, ref, kind), parseListFile);
  };
  return {
    name,
    group: "cgroup",
    order,
    summary: `${kind === "cpus" ? "CPUs" : "memory nodes"} of a cgroup's cpuset, target = the cgroup directory: cpuset.${kind}`,
    targets: async () => [],
    // No trailing or doubled slashes: "/sys/fs/cgroup//g/" and "/sys/fs/cgroup/g" are one cgroup.
    canonical: (target) => posix.normalize(target).replace(/(.)\/+$/, "$1"),
    // The directory's inode: a cgroup removed and made again under its name is another one.
    identity: async (ctx, target) => (ctx.host.inode ? `${target}@ino:${await ctx.host.inode(target)}` : target),
    available: async (ctx, target) => ctx.host.exists(await fileOf(ctx, { knob: name, target }, kind)),
    path: (target) => `${target.replace(/\/+$/, "")}/cpuset.${kind}`,
    writable: async (ctx, target) => ctx.host.checkWritable(await fileOf(ctx, { knob: name, target }, kind)),
    get,
    async set(ctx, target, value, options) {
      const ref: KnobRef = { knob: name, target };
      const path = await fileOf(ctx, ref, kind);
      let ids = [...value].sort((a, b) => a - b);
      if (!options.restore) {
        const allowed = await parentSet(ctx, ref, kind);
        // A v1 hierarchy's root has no cpuset above it; the kernel refuses any write to it with
        // EACCES (kernel/cgroup/cpuset.c: the top cpuset tracks every online CPU and node).
        if (allowed === undefined)
          throw valueError(
            ref,
            `${target} is the root cpuset, which always holds every online ${kind === "cpus" ? "CPU" : "memory node"} (the kernel refuses writes to it); set a cgroup below it`,
          );
        ids = requireIdSet(ref, value, allowed, kind === "cpus" ? "CPU" : "node");
      }
      if (!options.dryRun) await ctx.host.writeText(path, formatCpuList(ids) || "\n"); // "\n": empty (v2: inherit)
      return ids;
    },
    verify: verifyByReadBack(get),
    parse: (text) => parseCpuList(text),
  };
}

/** Memory nodes before CPUs: a v1 cpuset needs both set before tasks attach (ENOSPC otherwise). */
export const cpusetMems = cpusetKnob("cpuset-mems", "mems", 62);
export const cpusetCpus = cpusetKnob("cpuset-cpus", "cpus", 63);
