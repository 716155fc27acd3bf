import { parseCpuList } from "../../src/cpulist.js";
import { fail, integer, natural, ok, type Parsed } from "./parsed.js";

/**
 * Single-value sysfs files. Each takes the file's text and name and returns a Parsed value.
 * Ids above this are refused rather than expanded: the kernel's NR_CPUS tops out at 8192
 * (arch/x86/Kconfig), so a larger id is a corrupt file, not a big machine.
 */
const MAX_ID = 65_535;

function single(text: string, file: string): Parsed<string> {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  if (lines.length > 1) return fail(file, 2, "expected a single line");
  return ok((lines[0] ?? "").trim());
}

/** A non-negative integer file (size, nr_requests, read_ahead_kb, core_id...). */
export function parseNaturalFile(text: string, file: string): Parsed<number> {
  const line = single(text, file);
  if (!line.ok) return line;
  const value = natural(line.value);
  return value === undefined
    ? fail(file, 1, `expected a non-negative integer, got '${line.value.slice(0, 40)}'`)
    : ok(value);
}

/** A signed integer file (speed reads -1 when unknown, wbt_lat_usec -1 = default). */
export function parseIntegerFile(text: string, file: string): Parsed<number> {
  const line = single(text, file);
  if (!line.ok) return line;
  const value = integer(line.value);
  return value === undefined ? fail(file, 1, `expected an integer, got '${line.value.slice(0, 40)}'`) : ok(value);
}

/** A CPU or node list in the kernel's format ("0-3,8-11"; empty = none). */
export function parseListFile(text: string, file: string): Parsed<number[]> {
  const line = single(text, file);
  if (!line.ok) return line;
  const ids = line.value.match(/\d+/g) ?? [];
  if (ids.some((id) => id.length > 6 || Number(id) > MAX_ID)) return fail(file, 1, `an id above ${MAX_ID}`);
  try {
    return ok(parseCpuList(line.value));
  } catch (error) {
    return fail(file, 1, `expected a CPU/node list like '0-3,8': ${(error as Error).message}`);
  }
}

/** A word file (scheduler names, tcp_congestion_control, cache type...). */
export function parseWordFile(text: string, file: string): Parsed<string> {
  const line = single(text, file);
  if (!line.ok) return line;
  return /^[\w.:-]+$/.test(line.value)
    ? ok(line.value)
    : fail(file, 1, `expected one word, got '${line.value.slice(0, 40)}'`);
}

/** A file of whitespace-separated integers on one line (tcp_rmem, node distance). */
export function parseIntegerRow(text: string, file: string, count?: number): Parsed<number[]> {
  const line = single(text, file);
  if (!line.ok) return line;
  const tokens = line.value === "" ? [] : line.value.split(/\s+/);
  const values = tokens.map(integer);
  if (values.some((value) => value === undefined)) return fail(file, 1, "expected integers separated by spaces");
  if (count !== undefined && values.length !== count)
    return fail(file, 1, `expected ${count} integers, got ${values.length}`);
  return ok(values as number[]);
}

/** A cache size file: "48K", "1024K", "32M" (cpu/cpuN/cache/indexK/size), in bytes. */
export function parseCacheSize(text: string, file: string): Parsed<number> {
  const line = single(text, file);
  if (!line.ok) return line;
  const match = /^(\d{1,9})([KMG]?)$/.exec(line.value);
  if (match === null) return fail(file, 1, `expected a size like '48K', got '${line.value.slice(0, 40)}'`);
  const unit = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2] as "" | "K" | "M" | "G"];
  return ok(Number(match[1]) * unit);
}

/** queue/scheduler: "none [mq-deadline] kyber bfq": the bracketed one is active. */
export function parseSchedulerFile(text: string, file: string): Parsed<{ active: string; available: string[] }> {
  const line = single(text, file);
  if (!line.ok) return line;
  const tokens = line.value === "" ? [] : line.value.split(/\s+/);
  let active: string | undefined;
  const available: string[] = [];
  for (const token of tokens) {
    const match = /^(\[)?([\w-]+)(\])?$/.exec(token);
    if (match === null || Boolean(match[1]) !== Boolean(match[3]))
      return fail(file, 1, `bad scheduler name '${token}'`);
    if (match[1]) {
      if (active !== undefined) return fail(file, 1, "two schedulers in brackets");
      active = match[2];
    }
    available.push(match[2] as string);
  }
  // Bio-based devices print "none" alone; a lone name without brackets is the active one.
  if (active === undefined && available.length === 1) active = available[0];
  if (active === undefined) return fail(file, 1, "no active scheduler in brackets");
  return ok({ active, available });
}
