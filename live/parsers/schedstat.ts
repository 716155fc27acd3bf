import { counter, fail, fields, ok, type Parsed } from "./parsed.js";

/** /proc/<pid>/schedstat (CONFIG_SCHED_INFO): `run_ns wait_ns timeslices`. */
export function parseSchedstat(text: string, file = "/proc/self/schedstat"): Parsed<{ runNs: number; waitNs: number }> {
  const parts = fields(text);
  const [runNs, waitNs, slices] = parts.map(counter);
  if (parts.length !== 3 || runNs === undefined || waitNs === undefined || slices === undefined) {
    return fail(file, 1, "expected 'run_ns wait_ns timeslices'");
  }
  return ok({ runNs, waitNs });
}
