import { counter, fail, fields, numberedLines, ok, type Parsed } from "./parsed.js";

/** One `cpu` line of /proc/stat, in USER_HZ ticks (guest time is already inside user). */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface ProcStat {
  total: CpuTimes;
  /** Per logical CPU, by CPU id (offline CPUs have no line). */
  perCpu: Map<number, CpuTimes>;
  contextSwitches: number;
  bootTimeSeconds: number;
  processesCreated: number;
  procsRunning: number;
  procsBlocked: number;
}

const CPU_FIELDS = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"] as const;

/** Busy and total ticks of a line: busy excludes idle and iowait (a waiting CPU is idle). */
export function cpuTicks(times: CpuTimes): { busy: number; total: number } {
  const total = CPU_FIELDS.reduce((sum, key) => sum + times[key], 0);
  return { busy: total - times.idle - times.iowait, total };
}

/**
 * /proc/stat (Documentation/filesystems/proc.rst, "1.8 Miscellaneous kernel statistics"). Lines
 * with 4 to 7 cpu fields (kernels before 2.6.11) read the missing ones as 0.
 */
export function parseProcStat(text: string, file = "/proc/stat"): Parsed<ProcStat> {
  let total: CpuTimes | undefined;
  const perCpu = new Map<number, CpuTimes>();
  const scalars = new Map<string, number>();
  for (const { text: line, line: number } of numberedLines(text)) {
    const [key, ...rest] = fields(line);
    if (key === undefined) continue;
    if (key.startsWith("cpu")) {
      if (rest.length < 4) return fail(file, number, `'${key}' has ${rest.length} fields, expected at least 4`);
      const values = rest.slice(0, 8).map(counter);
      if (values.some((value) => value === undefined)) return fail(file, number, `'${key}' has a non-numeric field`);
      const times = Object.fromEntries(CPU_FIELDS.map((name, i) => [name, values[i] ?? 0])) as unknown as CpuTimes;
      if (key === "cpu") total = times;
      else {
        const id = /^cpu(\d{1,5})$/.exec(key);
        if (id === null) return fail(file, number, `'${key}' is not a CPU name`);
        perCpu.set(Number(id[1]), times);
      }
    } else if (["ctxt", "btime", "processes", "procs_running", "procs_blocked"].includes(key)) {
      const value = counter(rest[0]);
      if (value === undefined || rest.length !== 1) return fail(file, number, `'${key}' expects one number`);
      scalars.set(key, value);
    }
  }
  if (total === undefined) return fail(file, 0, "no aggregate 'cpu' line");
  for (const key of ["ctxt", "btime", "processes", "procs_running", "procs_blocked"]) {
    if (!scalars.has(key)) return fail(file, 0, `no '${key}' line`);
  }
  return ok({
    total,
    perCpu,
    contextSwitches: scalars.get("ctxt") as number,
    bootTimeSeconds: scalars.get("btime") as number,
    processesCreated: scalars.get("processes") as number,
    procsRunning: scalars.get("procs_running") as number,
    procsBlocked: scalars.get("procs_blocked") as number,
  });
}
