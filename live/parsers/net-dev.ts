import { counter, fail, fields, numberedLines, ok, type Parsed } from "./parsed.js";

export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDrops: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDrops: number;
  /** rx_missed_errors from /sys/class/net/IFACE/statistics (not in /proc/net/dev's columns), when read. */
  rxMissed?: number;
}

/** /proc/net/dev: two header lines, then `iface: 8 receive and 8 transmit counters` (per netns). */
export function parseNetDev(text: string, file = "/proc/net/dev"): Parsed<InterfaceCounters[]> {
  const out: InterfaceCounters[] = [];
  for (const { text: line, line: number } of numberedLines(text)) {
    if (number <= 2) {
      if (!line.includes("|")) return fail(file, number, "expected the two header lines with '|' columns");
      continue;
    }
    const colon = line.indexOf(":");
    const name = line.slice(0, Math.max(colon, 0)).trim();
    if (colon < 0 || !/^[^\s/:]{1,15}$/.test(name)) return fail(file, number, "expected 'interface: counters'");
    const values = fields(line.slice(colon + 1)).map(counter);
    if (values.length !== 16 || values.some((value) => value === undefined)) {
      return fail(file, number, `${name}: expected 16 numeric counters`);
    }
    const v = values as number[];
    out.push({
      name,
      rxBytes: v[0] as number,
      rxPackets: v[1] as number,
      rxErrors: v[2] as number,
      rxDrops: v[3] as number,
      txBytes: v[8] as number,
      txPackets: v[9] as number,
      txErrors: v[10] as number,
      txDrops: v[11] as number,
    });
  }
  return ok(out);
}
