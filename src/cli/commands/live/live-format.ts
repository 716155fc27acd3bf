import { formatKnobValue, type KnobName, type KnobValue } from "../../../backend.js";
import { formatCpuList } from "../../../cpulist.js";

/** Bytes as people read sizes: 48 KiB, 1 MiB, 256 GiB. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatValue(knob: KnobName, value: KnobValue | undefined): string {
  return value === undefined ? "-" : formatKnobValue(knob, value);
}

export function cpus(ids: readonly number[]): string {
  return ids.length === 0 ? "-" : formatCpuList(ids);
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function rate(value: number, unit: string): string {
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`;
}
