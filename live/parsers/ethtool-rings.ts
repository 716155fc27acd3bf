import { fail, natural, numberedLines, ok, type Parsed } from "./parsed.js";

export interface RingSizes {
  maxRx: number;
  maxTx: number;
  rx: number;
  tx: number;
}

/**
 * `ethtool -g IFACE` text (ethtool 6.1 has no --json for -g): a "Pre-set maximums:" block and a
 * "Current hardware settings:" block, each with `RX:` and `TX:` lines (tabs, "n/a" when absent).
 */
export function parseEthtoolRings(text: string, file = "ethtool -g"): Parsed<RingSizes> {
  let section: "max" | "current" | undefined;
  const found = new Map<string, number>();
  for (const { text: line, line: number } of numberedLines(text)) {
    if (/^Pre-set maximums:/.test(line)) section = "max";
    else if (/^Current hardware settings:/.test(line)) section = "current";
    else {
      const match = /^(RX|TX):\s+(\S+)\s*$/.exec(line);
      if (match === null || section === undefined) continue;
      const value = natural(match[2]);
      if (value === undefined) return fail(file, number, `${match[1]} is '${match[2]}', expected a number`);
      found.set(`${section}-${match[1]}`, value);
    }
  }
  const [maxRx, maxTx, rx, tx] = ["max-RX", "max-TX", "current-RX", "current-TX"].map((key) => found.get(key));
  if (maxRx === undefined || maxTx === undefined || rx === undefined || tx === undefined) {
    return fail(file, 0, "expected RX and TX under 'Pre-set maximums:' and 'Current hardware settings:'");
  }
  return ok({ maxRx, maxTx, rx, tx });
}
