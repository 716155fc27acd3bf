import { fail, fields, numberedLines, ok, type Parsed } from "./parsed.js";

/** One CPU's line of /proc/net/softnet_stat. */
export interface SoftnetCpu {
  /** Packets taken off this CPU's input queue. */
  processed: number;
  /** Packets dropped because the input backlog held net.core.netdev_max_backlog already. */
  dropped: number;
  /** Times net_rx_action stopped with work left (netdev_budget or its time ran out). */
  timeSqueeze: number;
}

/**
 * /proc/net/softnet_stat: a line per CPU of 32-bit hexadecimal counters, the first three
 * processed, dropped and time_squeeze (net/core/net-procfs.c, softnet_seq_show); later kernels
 * add columns, older ones have fewer after the third.
 */
export function parseSoftnetStat(text: string, file = "/proc/net/softnet_stat"): Parsed<SoftnetCpu[]> {
  const out: SoftnetCpu[] = [];
  for (const { text: line, line: number } of numberedLines(text)) {
    const values = fields(line);
    if (values.length < 3 || !values.every((value) => /^[0-9a-f]{1,8}$/i.test(value)))
      return fail(file, number, "expected at least 3 hexadecimal counters");
    const [processed, dropped, timeSqueeze] = values.map((value) => Number.parseInt(value, 16)) as [
      number,
      number,
      number,
    ];
    out.push({ processed, dropped, timeSqueeze });
  }
  if (out.length === 0) return fail(file, 1, "expected a line per CPU");
  return ok(out);
}
