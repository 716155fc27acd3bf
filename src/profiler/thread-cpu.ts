import { readdirSync, readFileSync } from "node:fs";

/** V8's CPU profiler thread: it symbolizes every sample, and its CPU time is the profiler's. */
export const V8_PROFILER_THREAD = "v8:ProfEvntProc";

/** CPU time of one thread in ms from Linux's /proc/self/task/TID/schedstat (ns on the CPU), or undefined. */
export function threadCpuMs(tid: number | string): number | undefined {
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/**
 * User and kernel CPU time of one thread in ms from /proc/self/task/TID/stat (utime and stime,
 * fields 14 and 15, in clock ticks of 1/100 s: coarse, for splits over seconds), or undefined.
 */
export function threadUserKernelMs(tid: number | string): { user: number; kernel: number } | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    // The name in parentheses may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(fields[11]) * TICK_MS, kernel: Number(fields[12]) * TICK_MS };
  } catch {
    return undefined;
  }
}

/** Kernel CPU ms of one thread so far (tick-granular), or undefined. */
export const threadKernelMs = (tid: number | string): number | undefined => threadUserKernelMs(tid)?.kernel;

/** USER_HZ is 100 on every Linux architecture Node runs on (`getconf CLK_TCK`). */
const TICK_MS = 10;

/** The threads of this process named `name` (Linux; empty elsewhere). */
export function threadsNamed(name: string): string[] {
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return [];
  }
  return tids.filter((tid) => {
    try {
      return readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim() === name;
    } catch {
      return false; // the thread ended meanwhile
    }
  });
}

/**
 * Accumulates the CPU time used by threads named `name` across their lifetimes: each reading
 * adds what every such thread used since the last reading (a thread seen for the first time
 * counts from zero). Node 20 has no per-thread CPU clock for other threads (and
 * process.threadCpuUsage arrives only in 22.15), so on Linux this reads /proc; elsewhere it
 * reports nothing and the caller falls back to an estimate.
 */
export class ThreadCpuTracker {
  private readonly last = new Map<string, number>();

  /** `read` gives one thread's CPU ms so far (default: all of it; `threadKernelMs` for kernel time only). */
  constructor(
    private readonly name: string,
    private readonly read: (tid: string) => number | undefined = threadCpuMs,
  ) {}

  /** CPU ms used since the previous call, or undefined where /proc is unavailable. */
  take(): number | undefined {
    const tids = threadsNamed(this.name);
    if (tids.length === 0 && this.last.size === 0) return process.platform === "linux" ? 0 : undefined;
    let used = 0;
    const seen = new Set<string>();
    for (const tid of tids) {
      const now = this.read(tid);
      if (now === undefined) continue;
      used += Math.max(0, now - (this.last.get(tid) ?? 0));
      this.last.set(tid, now);
      seen.add(tid);
    }
    for (const tid of [...this.last.keys()]) if (!seen.has(tid)) this.last.delete(tid);
    return used;
  }
}
