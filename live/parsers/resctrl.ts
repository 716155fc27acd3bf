import { fail, natural, numberedLines, ok, type Parsed } from "./parsed.js";

/**
 * Files of the resctrl filesystem (Documentation/arch/x86/resctrl.rst): info/L3/cbm_mask, a
 * group's schemata and tasks. Capacity bitmasks are hex ("fffff"); the hardware has at most 32
 * ways, far below what a double holds exactly, so masks are plain numbers.
 */

/** Bits set in a hex capacity bitmask ("fffff" → 20, "00003" → 2), or undefined when it is not hex. */
export function maskWays(hex: string): number | undefined {
  const value = maskValue(hex);
  if (value === undefined) return undefined;
  let ways = 0;
  for (let mask = value; mask > 0; mask = Math.floor(mask / 2)) ways += mask % 2;
  return ways;
}

/** A hex capacity bitmask as a number ("ff000" → 0xff000), or undefined when it is not hex. */
export function maskValue(hex: string): number | undefined {
  return /^[0-9a-f]{1,12}$/i.test(hex) ? Number.parseInt(hex, 16) : undefined;
}

/** Whether way `bit` (0 = the lowest) is set in a mask; arithmetic, since a 32-bit mask overflows `&`. */
export function hasWay(mask: number, bit: number): boolean {
  return Math.floor(mask / 2 ** bit) % 2 === 1;
}

/** The capacity bitmask of `ways` contiguous ways from way `first`, as the schemata file takes it: (4, 2) → "30". */
export function waysMask(first: number, ways: number): string {
  return ((2 ** ways - 1) * 2 ** first).toString(16);
}

/** info/L3/cbm_mask: the valid bitmask, all ways set ("fffff" on a 20-way L3); gives the way count. */
export function parseCbmMask(text: string, file: string): Parsed<number> {
  const value = text.trim();
  const ways = maskWays(value);
  if (ways === undefined || value.includes("\n") || ways === 0)
    return fail(file, 1, `expected a hex bitmask like 'fffff', got '${value.slice(0, 40)}'`);
  return ok(ways);
}

/** One line of a schemata file: a resource ("L3", "MB", "L3CODE") and its value per domain id. */
export interface SchemataLine {
  resource: string;
  domains: { id: number; value: string }[];
}

/**
 * A schemata file: "L3:0=fffff;1=fffff", one line per resource. The kernel right-aligns resource
 * names into a column ("  L3:..." beside an AMD "SMBA:" line) and older kernels also zero-pad masks
 * ("L3:0=00003;1=00003"): both are read.
 */
export function parseSchemata(text: string, file: string): Parsed<SchemataLine[]> {
  const out: SchemataLine[] = [];
  for (const { text: raw, line } of numberedLines(text)) {
    const match = /^\s*([\w]+)\s*:(.*)$/.exec(raw);
    if (match === null) return fail(file, line, `expected 'RESOURCE:id=value;...', got '${raw.slice(0, 40)}'`);
    const domains: SchemataLine["domains"] = [];
    for (const part of (match[2] as string).split(";")) {
      const [idText, value, extra] = part.trim().split("=");
      const id = natural(idText);
      if (id === undefined || value === undefined || value === "" || extra !== undefined)
        return fail(file, line, `expected 'id=value', got '${part.slice(0, 40)}'`);
      domains.push({ id, value });
    }
    out.push({ resource: match[1] as string, domains });
  }
  return ok(out);
}

/** A group's tasks file: one task (thread) id per line; empty when the group has none. */
export function parseTasks(text: string, file: string): Parsed<number[]> {
  const out: number[] = [];
  for (const { text: raw, line } of numberedLines(text)) {
    const tid = natural(raw.trim());
    if (tid === undefined) return fail(file, line, `expected a task id, got '${raw.slice(0, 40)}'`);
    out.push(tid);
  }
  return ok(out);
}

/**
 * info/L3/bit_usage: "0=SSSS...;1=SSSS...", per domain one character per way, the highest way
 * first (rdt_bit_usage_show). Characters: 0 unused, H used by hardware only (shareable_bits),
 * X hardware and software shareable, S software shareable, E exclusive to one group, P
 * pseudo-locked. Gives each domain's characters lowest way first.
 */
export function parseBitUsage(text: string, file: string): Parsed<{ id: number; ways: string[] }[]> {
  const lines = numberedLines(text);
  if (lines.length !== 1) return fail(file, lines[1]?.line ?? 1, "expected one line 'id=usage;...'");
  const out: { id: number; ways: string[] }[] = [];
  for (const part of (lines[0] as { text: string }).text.trim().split(";")) {
    const [idText, usage, extra] = part.trim().split("=");
    const id = natural(idText);
    if (id === undefined || usage === undefined || !/^[0HXSEP]+$/.test(usage) || extra !== undefined)
      return fail(file, 1, `expected 'id=usage' (characters 0HXSEP), got '${part.slice(0, 40)}'`);
    out.push({ id, ways: [...usage].reverse() });
  }
  return ok(out);
}
