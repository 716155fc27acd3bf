import { natural, numberedLines, ok, type Parsed } from "./parsed.js";

export interface CpuidCache {
  level: 1 | 2 | 3 | 4;
  type: "data" | "instruction" | "unified";
  sizeBytes: number;
  ways?: number;
  lineBytes?: number;
}

const NAMES: [string, CpuidCache["level"], CpuidCache["type"]][] = [
  ["LEVEL1_DCACHE", 1, "data"],
  ["LEVEL1_ICACHE", 1, "instruction"],
  ["LEVEL2_CACHE", 2, "unified"],
  ["LEVEL3_CACHE", 3, "unified"],
  ["LEVEL4_CACHE", 4, "unified"],
];

/**
 * `getconf -a` output (glibc reads the caches from CPUID): `LEVEL1_DCACHE_SIZE  49152` etc.,
 * empty or 0 when unknown. Lines it does not know are ignored; unknown caches are left out.
 */
export function parseGetconfCaches(text: string): Parsed<CpuidCache[]> {
  const values = new Map<string, number>();
  for (const { text: line } of numberedLines(text)) {
    const match = /^(LEVEL\d_\w+?)\s+(\d+)\s*$/.exec(line);
    const value = natural(match?.[2]);
    if (match !== null && value !== undefined) values.set(match[1] as string, value);
  }
  const out: CpuidCache[] = [];
  for (const [prefix, level, type] of NAMES) {
    const size = values.get(`${prefix}_SIZE`) ?? 0;
    if (size === 0) continue;
    const cache: CpuidCache = { level, type, sizeBytes: size };
    const ways = values.get(`${prefix}_ASSOC`);
    const line = values.get(`${prefix}_LINESIZE`);
    if (ways) cache.ways = ways;
    if (line) cache.lineBytes = line;
    out.push(cache);
  }
  return ok(out);
}
