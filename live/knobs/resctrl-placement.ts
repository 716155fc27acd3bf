import type { KnobRef } from "../../src/backend.js";
import { formatCpuList } from "../../src/cpulist.js";
import { type L3Allocation, RESCTRL } from "../discovery/resctrl.js";
import { hasWay, maskValue, parseBitUsage, parseSchemata, type SchemataLine } from "../parsers/resctrl.js";
import type { KnobContext } from "./knob-access.js";
import { controlGroups, readGroupFile } from "./resctrl-groups.js";
import { readKnobFile, valueError } from "./shared.js";

/*
 * Where in the L3's capacity bitmask a confined workload's ways go (Documentation/arch/x86/
 * resctrl.rst): inside the root group's mask, clear of what other tools' groups reserve.
 */

/** Resource groups twintune makes are named twintune-<workload>. */
export const TWINTUNE_GROUP_PREFIX = "twintune-";
const PREFIX = TWINTUNE_GROUP_PREFIX;

export function l3Line(schemata: readonly SchemataLine[] | undefined): SchemataLine | undefined {
  return schemata?.find((line) => line.resource === "L3");
}

/** The ways (0 = the lowest) the line's mask for a domain sets; none when it has no mask there. */
function waysSet(line: SchemataLine | undefined, info: L3Allocation, domain: number): number[] {
  const hex = line?.domains.find((entry) => entry.id === domain)?.value;
  const mask = hex === undefined ? 0 : (maskValue(hex) ?? 0);
  return [...Array(info.ways).keys()].filter((way) => hasWay(mask, way));
}

/**
 * The first of `ways` contiguous ways to give our group, the lowest run that in every domain lies
 * inside the root group's mask, overlaps no mask another tool's group reserves (twintune's own
 * groups and full-mask groups aside) and no way info/L3/bit_usage marks exclusive (E) or
 * pseudo-locked (P). Refuses, saying which ways are taken by whom, when there is no such run.
 */
const OUTSIDE_ROOT = "outside the root group's mask";

export async function placement(ctx: KnobContext, ref: KnobRef, info: L3Allocation, ways: number): Promise<number> {
  const taken = new Map<string, Set<number>>(); // who → ways, for the message
  const take = (who: string, list: Iterable<number>) => {
    const set = taken.get(who) ?? new Set();
    for (const way of list) set.add(way);
    taken.set(who, set);
  };
  const root = l3Line(await readKnobFile(ctx.host, ref, `${RESCTRL}/schemata`, parseSchemata));
  const others: [string, SchemataLine][] = [];
  for (const group of await controlGroups(ctx)) {
    // twintune's own groups share the lowest free ways (what the twin models: the confined are
    // all streams, and together they should evict as little as one).
    if (group.path.startsWith(PREFIX)) continue;
    const line = l3Line(await readGroupFile(ctx, `${RESCTRL}/${group.path}/schemata`, parseSchemata));
    // A group with every way the root has (a tool's default) reserves nothing.
    const reservesNothing = info.domains.every((domain) => {
      const held = new Set(waysSet(line, info, domain));
      return waysSet(root, info, domain).every((way) => held.has(way));
    });
    if (line !== undefined && !reservesNothing) others.push([group.path, line]);
  }
  const usage = await readGroupFile(ctx, `${RESCTRL}/info/L3/bit_usage`, parseBitUsage);
  take(OUTSIDE_ROOT, []); // the message lists the root's limit first, whichever domain has it
  for (const domain of info.domains) {
    const inRoot = new Set(waysSet(root, info, domain));
    take(
      OUTSIDE_ROOT,
      [...Array(info.ways).keys()].filter((way) => !inRoot.has(way)),
    );
    for (const [path, line] of others) take(`held by group '${path}'`, waysSet(line, info, domain));
    const marks = usage?.find((entry) => entry.id === domain)?.ways ?? [];
    take(
      "exclusive or pseudo-locked (info/L3/bit_usage)",
      marks.flatMap((mark, way) => ((mark === "E" || mark === "P") && way < info.ways ? [way] : [])),
    );
  }
  const busy = new Set([...taken.values()].flatMap((set) => [...set]));
  let longest = 0;
  for (let first = 0, run = 0; first < info.ways; first++) {
    run = busy.has(first) ? 0 : run + 1;
    longest = Math.max(longest, run);
    if (run === ways) return first - ways + 1;
  }
  const who = [...taken].filter(([, set]) => set.size > 0).map(([name, set]) => `${formatCpuList([...set])} ${name}`);
  throw valueError(
    ref,
    `no ${ways} contiguous L3 ways are free in every domain (the most is ${longest}): ways ${who.join("; ")}`,
  );
}
