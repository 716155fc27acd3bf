import { OFFLOADS } from "../../../../live/knobs/nic.js";
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

const SHORT_OFFLOAD = new Map(Object.entries(OFFLOADS).map(([short, long]) => [long, short]));

/** A knob value for a table; NIC offloads by ethtool's short names (tso on gro off ...). */
export function formatValue(knob: KnobName, value: KnobValue | undefined): string {
  if (value === undefined) return "-";
  if (knob === "nic-offloads") {
    return Object.entries(value as Record<string, boolean>)
      .map(([name, on]) => `${SHORT_OFFLOAD.get(name) ?? name} ${on ? "on" : "off"}`)
      .join(" ");
  }
  return formatKnobValue(knob, value);
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

/** Said by status and plan when the journal shows another run changing this host now. */
export function runningNote(record: { pid: number; command: string }): string {
  return `Another twintune (pid ${record.pid}, live ${record.command}) is changing this host now.`;
}
