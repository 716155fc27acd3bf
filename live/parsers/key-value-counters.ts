import { counter, fail, fields, numberedLines, ok, type Parsed } from "./parsed.js";

/**
 * Files of `name value` lines: /proc/vmstat (pgfault, numa_hit, numa_local, numa_other...) and
 * /sys/devices/system/node/nodeN/numastat. Returns name → value.
 */
export function parseKeyValueCounters(text: string, file = "/proc/vmstat"): Parsed<Map<string, number>> {
  const out = new Map<string, number>();
  for (const { text: line, line: number } of numberedLines(text)) {
    const parts = fields(line);
    const value = counter(parts[1]);
    if (parts.length !== 2 || value === undefined || !/^[a-z0-9_]+$/i.test(parts[0] as string)) {
      return fail(file, number, `expected 'name value', got '${line.slice(0, 60)}'`);
    }
    out.set(parts[0] as string, value);
  }
  if (out.size === 0) return fail(file, 0, "empty");
  return ok(out);
}

/** The NUMA allocation counters of /proc/vmstat, when the kernel has CONFIG_NUMA. */
export interface NumaCounters {
  hit: number;
  miss: number;
  foreign: number;
  local: number;
  other: number;
  hintFaults?: number;
  hintFaultsLocal?: number;
  pagesMigrated?: number;
}

export function numaCounters(vmstat: Map<string, number>): NumaCounters | undefined {
  const get = (key: string) => vmstat.get(key);
  const [hit, miss, foreign, local, other] = ["numa_hit", "numa_miss", "numa_foreign", "numa_local", "numa_other"].map(
    get,
  );
  if (hit === undefined || miss === undefined || foreign === undefined || local === undefined || other === undefined)
    return undefined;
  return {
    hit,
    miss,
    foreign,
    local,
    other,
    hintFaults: get("numa_hint_faults"),
    hintFaultsLocal: get("numa_hint_faults_local"),
    pagesMigrated: get("numa_pages_migrated"),
  };
}
