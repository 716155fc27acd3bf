import { attempt, natural, numberedLines, type Parsed, ParseError, unwrap } from "./parsed.js";
import { parseListFile } from "./sysfs-values.js";

export interface PidStatus {
  name: string;
  threads: number;
  cpusAllowed: number[];
  memsAllowed: number[];
  /** Resident set, bytes (absent for kernel threads). */
  rssBytes?: number;
  voluntaryContextSwitches: number;
  involuntaryContextSwitches: number;
}

/** /proc/<pid>/status (proc(5)): `Key:<tab>value` lines. */
export function parsePidStatus(text: string, file = "/proc/self/status"): Parsed<PidStatus> {
  return attempt(() => {
    const values = new Map<string, { value: string; line: number }>();
    for (const { text: line, line: number } of numberedLines(text)) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new ParseError(file, number, "expected 'Key: value'");
      values.set(line.slice(0, colon), { value: line.slice(colon + 1).trim(), line: number });
    }
    const need = (key: string) => {
      const found = values.get(key);
      if (found === undefined) throw new ParseError(file, 0, `no '${key}' line`);
      return found;
    };
    const number = (key: string) => {
      const found = need(key);
      const value = natural(found.value.replace(/ kB$/, ""));
      if (value === undefined) throw new ParseError(file, found.line, `'${key}' is not a number`);
      return found.value.endsWith(" kB") ? value * 1024 : value;
    };
    const list = (key: string) => {
      const found = need(key);
      const parsed = parseListFile(found.value, file);
      if (!parsed.ok) throw new ParseError(file, found.line, `'${key}': ${parsed.error.detail}`);
      return unwrap(parsed);
    };
    const status: PidStatus = {
      name: need("Name").value,
      threads: number("Threads"),
      cpusAllowed: list("Cpus_allowed_list"),
      memsAllowed: list("Mems_allowed_list"),
      voluntaryContextSwitches: number("voluntary_ctxt_switches"),
      involuntaryContextSwitches: number("nonvoluntary_ctxt_switches"),
    };
    if (values.has("VmRSS")) status.rssBytes = number("VmRSS");
    return status;
  });
}
