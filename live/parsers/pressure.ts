import { counter, decimal, fail, numberedLines, ok, type Parsed } from "./parsed.js";

export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Cumulative stall time, microseconds. */
  totalUs: number;
}

export interface Pressure {
  some: PressureLine;
  /** Absent for cpu before 5.13. */
  full?: PressureLine;
}

/** /proc/pressure/{cpu,memory,io} (Documentation/accounting/psi.rst). */
export function parsePressure(text: string, file = "/proc/pressure/cpu"): Parsed<Pressure> {
  const found = new Map<string, PressureLine>();
  for (const { text: line, line: number } of numberedLines(text)) {
    const match = /^(some|full) avg10=(\S+) avg60=(\S+) avg300=(\S+) total=(\S+)\s*$/.exec(line);
    if (match === null) return fail(file, number, `expected 'some|full avg10=.. avg60=.. avg300=.. total=..'`);
    const [avg10, avg60, avg300] = [match[2], match[3], match[4]].map(decimal);
    const totalUs = counter(match[5]);
    if (avg10 === undefined || avg60 === undefined || avg300 === undefined || totalUs === undefined) {
      return fail(file, number, "a value is not a number");
    }
    if (found.has(match[1] as string)) return fail(file, number, `second '${match[1]}' line`);
    found.set(match[1] as string, { avg10, avg60, avg300, totalUs });
  }
  const some = found.get("some");
  if (some === undefined) return fail(file, 0, "no 'some' line");
  const full = found.get("full");
  return ok(full === undefined ? { some } : { some, full });
}
