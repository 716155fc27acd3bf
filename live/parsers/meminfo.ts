import { counter, fail, numberedLines, ok, type Parsed } from "./parsed.js";

/**
 * /proc/meminfo and /sys/devices/system/node/nodeN/meminfo: `Key:  value [kB]` per line, the
 * node file prefixed with `Node N `. Values in bytes (kB = 1024 bytes); unit-less values (HugePages_*)
 * stay counts. Returns key → value.
 */
export function parseMeminfo(text: string, file = "/proc/meminfo"): Parsed<Map<string, number>> {
  const out = new Map<string, number>();
  for (const { text: line, line: number } of numberedLines(text)) {
    const match = /^(?:Node (\d+) +)?([A-Za-z0-9_()]+):\s+(\d+)(?: (kB))?\s*$/.exec(line);
    if (match === null) return fail(file, number, `expected 'Key: value [kB]', got '${line.slice(0, 60)}'`);
    const value = counter(match[3]);
    if (value === undefined) return fail(file, number, `value out of range in '${line.slice(0, 60)}'`);
    out.set(match[2] as string, match[4] === "kB" ? value * 1024 : value);
  }
  if (out.size === 0) return fail(file, 0, "empty");
  return ok(out);
}

/** The value of a key, or a ParseError naming the missing key. */
export function requireKey(values: Map<string, number>, key: string, file: string): Parsed<number> {
  const value = values.get(key);
  return value === undefined ? fail(file, 0, `no '${key}' line`) : ok(value);
}
