import { grouped } from "../src/number-text.js";
import type { MetricsSnapshot } from "./feed.js";

export interface MetricRow {
  label: string;
  key: keyof MetricsSnapshot;
  show: (value: number) => string;
  /** Which direction is an improvement. */
  better: "up" | "down";
}

/** The service-level figures the metrics panel shows (the same as `twintune run`'s before/after table). */
export const METRIC_ROWS: readonly MetricRow[] = [
  { label: "Throughput", key: "throughputRps", show: (v) => `${grouped(v)}/s`, better: "up" },
  {
    label: "P95 latency",
    key: "p95LatencyMs",
    show: (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`,
    better: "down",
  },
  { label: "CPU util", key: "cpuUtilization", show: (v) => `${(v * 100).toFixed(1)}%`, better: "down" },
  { label: "Memory util", key: "memoryUtilization", show: (v) => `${(v * 100).toFixed(1)}%`, better: "down" },
  { label: "Monthly cost", key: "monthlyCostUsd", show: (v) => `$${grouped(v)}`, better: "down" },
];

export interface Trend {
  /** ▲ up, ▼ down, = within ±0.5%. */
  arrow: "▲" | "▼" | "=";
  /** "+12%", "-3.4%"; empty when there is nothing to compare. */
  text: string;
  /** Whether the move is an improvement, a regression, or neither. */
  verdict: "good" | "bad" | "same";
}

/** How `now` compares with `before` for a metric where `better` is the improving direction. */
export function trend(now: number | undefined, before: number | undefined, better: "up" | "down"): Trend | undefined {
  if (now === undefined || before === undefined || !(Math.abs(before) > 0)) return undefined;
  const change = (now - before) / Math.abs(before);
  if (Math.abs(change) < 0.005) return { arrow: "=", text: "0%", verdict: "same" };
  const percent = Math.abs(change) >= 0.1 ? (change * 100).toFixed(0) : (change * 100).toFixed(1);
  const up = change > 0;
  return {
    arrow: up ? "▲" : "▼",
    text: `${up ? "+" : ""}${percent}%`,
    verdict: up === (better === "up") ? "good" : "bad",
  };
}

/** Minutes for the log and header: "7m", "12.5m". */
export function minutes(min: number): string {
  return Number.isInteger(Math.round(min * 10) / 10) ? `${Math.round(min)}m` : `${min.toFixed(1)}m`;
}

/** `text` cut or padded to exactly `width` columns (an ellipsis marks a cut). */
export function cell(text: string, width: number, align: "left" | "right" = "left"): string {
  if (width <= 0) return "";
  if (text.length > width) return width === 1 ? "…" : `${text.slice(0, width - 1)}…`;
  return align === "left" ? text.padEnd(width) : text.padStart(width);
}
