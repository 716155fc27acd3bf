import { counter, fail, integer, ok, type Parsed } from "./parsed.js";

export interface PidStat {
  pid: number;
  comm: string;
  state: string;
  minorFaults: number;
  majorFaults: number;
  /** USER_HZ ticks. */
  userTicks: number;
  systemTicks: number;
  threads: number;
  /** Start time after boot, USER_HZ ticks: with the pid, identifies the process (pids are reused). */
  startTicks: number;
  /** CPU it last ran on. */
  processor: number;
}

/**
 * /proc/<pid>/stat (proc(5)): `pid (comm) state ...`. comm may hold spaces and parentheses, so
 * the fields are split after the LAST ')'. Needs the 39 fields up to `processor`.
 */
export function parsePidStat(text: string, file = "/proc/self/stat"): Parsed<PidStat> {
  const open = text.indexOf(" (");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return fail(file, 1, "expected 'pid (comm) state ...'");
  const pid = integer(text.slice(0, open));
  if (pid === undefined || pid < 0) return fail(file, 1, "the pid is not a number");
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state): field n is rest[n - 3].
  if (rest.length < 37) return fail(file, 1, `${rest.length + 2} fields, expected at least 39`);
  const field = (n: number) => counter(rest[n - 3]);
  const numbers = [10, 12, 14, 15, 20, 22, 39].map(field);
  if (numbers.some((value) => value === undefined)) return fail(file, 1, "a numeric field is not a number");
  const [minorFaults, majorFaults, userTicks, systemTicks, threads, startTicks, processor] = numbers as number[];
  return ok({
    pid,
    comm: text.slice(open + 2, close),
    state: rest[0] as string,
    minorFaults: minorFaults as number,
    majorFaults: majorFaults as number,
    userTicks: userTicks as number,
    systemTicks: systemTicks as number,
    threads: threads as number,
    startTicks: startTicks as number,
    processor: processor as number,
  });
}
