import type { InstanceType } from "../../src/catalog/instance-type.js";
import type { VmSpec } from "./shapes.js";
import type { DemandSeries } from "./vm-workload.js";

/** What monitoring reports for one step: utilisation of the VM's own type, capped at 100%. */
export interface ObservedSeries {
  cpu: Float64Array;
  mem: Float64Array;
  iops: Float64Array;
  netMbps: Float64Array;
  oom: Uint8Array;
}

/** Trace values are written with 4 decimals; the in-memory path rounds the same way. */
const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * Censors true demand into what a real trace shows on `type`: CPU and memory as fractions of the
 * type's vCPUs and memory, cut off at 1 (a VM cannot use more than it has), and an OOM kill
 * flagged whenever memory demand exceeds the type's memory.
 */
export function observe(demand: DemandSeries, type: InstanceType): ObservedSeries {
  const n = demand.cpuCores.length;
  const out: ObservedSeries = {
    cpu: new Float64Array(n),
    mem: new Float64Array(n),
    iops: new Float64Array(n),
    netMbps: new Float64Array(n),
    oom: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const mem = (demand.memGiB[i] as number) / type.memoryGiB;
    out.cpu[i] = round4(Math.min(1, (demand.cpuCores[i] as number) / type.vcpus));
    out.mem[i] = round4(Math.min(1, mem));
    out.oom[i] = mem > 1 ? 1 : 0;
    out.iops[i] = Math.round(demand.iops[i] as number);
    out.netMbps[i] = Math.round((demand.netMbps[i] as number) * 100) / 100;
  }
  return out;
}

/** The CSV header of a generated trace (README.md, "Trace CSV"). */
export const TRACE_HEADER = "timestamp,vm,instance_type,cpu,mem,iops,net_mbps,oom,tags";

/** CSV lines for one VM's observed steps, times in Unix seconds. */
export function traceLines(
  spec: VmSpec,
  observed: ObservedSeries,
  start: number,
  stepSeconds: number,
  firstStep: number,
): string[] {
  const tags = spec.tags.join(";");
  const lines: string[] = [];
  for (let i = 0; i < observed.cpu.length; i++) {
    const t = start + (firstStep + i) * stepSeconds;
    lines.push(
      `${t},${spec.id},${spec.type.name},${observed.cpu[i]},${observed.mem[i]},${observed.iops[i]},${observed.netMbps[i]},${observed.oom[i]},${tags}`,
    );
  }
  return lines;
}
