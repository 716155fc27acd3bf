import type { TextFs } from "../host-fs.js";
import { parseCbmMask, parseSchemata } from "../parsers/resctrl.js";
import { parseNaturalFile } from "../parsers/sysfs-values.js";
import { readOptional } from "../read-parsed.js";

/** Where the resctrl filesystem is mounted (Documentation/arch/x86/resctrl.rst, "Usage"). */
export const RESCTRL = "/sys/fs/resctrl";

/** What the kernel offers for confining workloads to part of the L3 cache (Intel CAT, AMD L3 QoS). */
export interface L3Allocation {
  /** Capacity bitmask length, all ways (info/L3/cbm_mask). */
  ways: number;
  /** Fewest bits a mask may have (info/L3/min_cbm_bits: 1 on Broadwell, 2 on Haswell servers). */
  minBits: number;
  /** Resource groups there are CLOSIDs for, the root group included (info/L3/num_closids). */
  closids: number;
  /** L3 domain ids (= L3 cache ids) the root schemata lists. */
  domains: number[];
}

export type L3AllocationProbe = { ok: true; value: L3Allocation } | { ok: false; why: string };

/**
 * Reads info/L3 and the root schemata. With the `cdp` mount option the kernel offers
 * L3CODE/L3DATA (info/L3CODE, info/L3DATA, two schemata lines) and no info/L3: twintune sets a
 * single L3 mask, so that counts as not available, and says why.
 */
export async function probeL3Allocation(fs: TextFs): Promise<L3AllocationProbe> {
  const l3 = `${RESCTRL}/info/L3`;
  const no = (why: string): L3AllocationProbe => ({ ok: false, why });
  if (!(await fs.exists(`${RESCTRL}/schemata`)))
    return no(
      `resctrl is not mounted at ${RESCTRL} (mount -t resctrl resctrl ${RESCTRL}; needs Intel CAT or AMD L3 QoS)`,
    );
  if (await fs.exists(`${RESCTRL}/info/L3CODE`))
    return no("resctrl is mounted with code/data prioritization (-o cdp: L3CODE/L3DATA masks); remount without cdp");
  const ways = await readOptional(fs, `${l3}/cbm_mask`, parseCbmMask);
  if (ways === undefined) return no(`resctrl offers no L3 allocation here (no ${l3}/cbm_mask)`);
  const minBits = await readOptional(fs, `${l3}/min_cbm_bits`, parseNaturalFile);
  const closids = await readOptional(fs, `${l3}/num_closids`, parseNaturalFile);
  if (minBits === undefined || closids === undefined) return no(`${l3}/min_cbm_bits or num_closids is missing`);
  const root = await readOptional(fs, `${RESCTRL}/schemata`, parseSchemata);
  const domains = root?.find((line) => line.resource === "L3")?.domains.map((domain) => domain.id) ?? [];
  if (domains.length === 0) return no(`${RESCTRL}/schemata has no L3 line`);
  return { ok: true, value: { ways, minBits: Math.max(1, minBits), closids, domains } };
}

/** The L3 capacity bitmask length and its fewest ways when workloads can be confined to part of the cache. */
export async function discoverAllocationWays(fs: TextFs): Promise<{ ways: number; minWays: number } | undefined> {
  const probe = await probeL3Allocation(fs);
  return probe.ok ? { ways: probe.value.ways, minWays: probe.value.minBits } : undefined;
}
