import type { Workload } from "../../src/backend.js";
import type { HostFs } from "../host-fs.js";
import { parsePidStatus } from "../parsers/pid-status.js";
import { readParsed } from "../read-parsed.js";

/** The workload id of a process on a live host, and back. */
export function processWorkloadId(pid: number): string {
  return `pid:${pid}`;
}

/** The pid a process target names ("pid:1234" or "1234"), or undefined. */
/** A process's one spelling, pid:N ("1234" and "pid:1234" are one target). */
export function canonicalProcessTarget(target: string): string {
  const pid = pidOfTarget(target);
  return pid === undefined ? target : `pid:${pid}`;
}

export function pidOfTarget(target: string): number | undefined {
  const match = /^(?:pid:)?(\d{1,10})$/.exec(target);
  const pid = match === null ? Number.NaN : Number(match[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Processes the user asked to tune, as workloads: vCPUs = CPUs it may run on, memory = its resident set. */
export async function discoverProcessWorkloads(fs: HostFs, pids: readonly number[]): Promise<Workload[]> {
  return Promise.all(
    pids.map(async (pid): Promise<Workload> => {
      const status = await readParsed(fs, `/proc/${pid}/status`, parsePidStatus);
      return {
        id: processWorkloadId(pid),
        kind: "process",
        vcpus: status.cpusAllowed.length,
        memoryBytes: status.rssBytes ?? 0,
        tags: [`comm:${status.name}`],
        pid,
      };
    }),
  );
}
