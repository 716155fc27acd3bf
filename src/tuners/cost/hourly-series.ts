import type { VmHistory } from "../rightsize/vm-history.js";

const HOUR = 3600;

/** A VM's window in hours before its newest sample: the hours with samples, CPU mean and memory peak per hour. */
export interface HourlySeries {
  /** Hour midpoints in days relative to the end of the window (negative). */
  times: number[];
  cpu: number[];
  mem: number[];
  /** Hours in the window, observed or not. */
  span: number;
  /** Identifies the set of observed hours: equal keys share a regression design. */
  key: string;
}

/** Aggregates samples [from, length) into hours counted back from the newest sample. */
export function hourlySeries(history: VmHistory, from: number): HourlySeries {
  const end = history.lastTime;
  const span = Math.max(1, Math.ceil((end - (history.times[from] as number)) / HOUR - 1e-9));
  const cpuSum = new Float64Array(span);
  const memMax = new Float64Array(span);
  const count = new Uint32Array(span);
  for (let i = from; i < history.length; i++) {
    const back = Math.min(span - 1, Math.floor((end - (history.times[i] as number)) / HOUR));
    const hour = span - 1 - back;
    cpuSum[hour] = (cpuSum[hour] as number) + (history.cpuCores[i] as number);
    memMax[hour] = Math.max(memMax[hour] as number, history.memGiB[i] as number);
    count[hour] = (count[hour] as number) + 1;
  }
  const times: number[] = [];
  const cpu: number[] = [];
  const mem: number[] = [];
  const missing: number[] = [];
  for (let hour = 0; hour < span; hour++) {
    const n = count[hour] as number;
    if (n === 0) {
      missing.push(hour);
      continue;
    }
    times.push((hour + 0.5 - span) / 24);
    cpu.push((cpuSum[hour] as number) / n);
    mem.push(memMax[hour] as number);
  }
  return { times, cpu, mem, span, key: `${span}/${missing.join(",")}` };
}
