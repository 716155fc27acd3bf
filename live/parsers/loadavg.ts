import { decimal, fail, natural, ok, type Parsed } from "./parsed.js";

export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
  running: number;
  total: number;
  lastPid: number;
}

/** /proc/loadavg: `1m 5m 15m running/total lastpid`. */
export function parseLoadavg(text: string, file = "/proc/loadavg"): Parsed<LoadAverage> {
  const match = /^(\S+) (\S+) (\S+) (\d+)\/(\d+) (\d+)\s*$/.exec(text);
  if (match === null) return fail(file, 1, "expected '1m 5m 15m running/total lastpid'");
  const [one, five, fifteen] = [match[1], match[2], match[3]].map(decimal);
  const [running, total, lastPid] = [match[4], match[5], match[6]].map(natural);
  if (
    one === undefined ||
    five === undefined ||
    fifteen === undefined ||
    running === undefined ||
    total === undefined ||
    lastPid === undefined
  ) {
    return fail(file, 1, "a value is not a number");
  }
  return ok({ one, five, fifteen, running, total, lastPid });
}
