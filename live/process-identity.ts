import { readFileSync } from "node:fs";
import { processAlive } from "../src/process-alive.js";
import { parsePidStat } from "./parsers/pid-stat.js";

/** When process `pid` of this machine started (USER_HZ ticks after boot), or undefined if it cannot be read. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const parsed = parsePidStat(readFileSync(`/proc/${pid}/stat`, "utf8"), `/proc/${pid}/stat`);
    return parsed.ok ? parsed.value.startTicks : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is still the process that started at `startTicks`: pids are reused, so a lock or
 * a session left by a dead run may name a pid some unrelated process has now. Without a recorded
 * start (older files), or where it cannot be read, whether the pid exists.
 */
export function sameProcessAlive(pid: number, startTicks?: number): boolean {
  if (!processAlive(pid)) return false;
  if (startTicks === undefined) return true;
  const now = processStartTicks(pid);
  return now === undefined || now === startTicks;
}
