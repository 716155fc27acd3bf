import type { FrameNode } from "./frame-tree.js";

const numbers = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });

/** "12,345" or "12.5": weights with thousands separators, at most 3 decimals. */
export function formatWeight(weight: number): string {
  return numbers.format(weight);
}

/** A share as a percentage with 2 decimals ("12.34"). */
export function percent(part: number, whole: number): string {
  return whole > 0 ? ((part / whole) * 100).toFixed(2) : "0.00";
}

/** The change in a frame's self share, normalised by each profile's total: after/Ta − before/Tb (a fraction). */
export function selfShareDelta(node: FrameNode, afterTotal: number, beforeTotal: number): number {
  const after = afterTotal > 0 ? node.self / afterTotal : 0;
  const before = beforeTotal > 0 ? (node.before ?? 0) / beforeTotal : 0;
  return after - before;
}

/**
 * A frame's tooltip, as flamegraph.pl words it: "name (N samples, P%)". In a differential graph
 * it adds the frame's own (self) weight before and after and the change of its self share in
 * percentage points: "name (N samples, P%; self 10 → 14, +0.50%)".
 */
export function frameTooltip(
  node: FrameNode,
  rootTotal: number,
  unit: string,
  diff?: { afterTotal: number; beforeTotal: number },
): string {
  const base = `${node.name} (${formatWeight(node.total)} ${unit}, ${percent(node.total, rootTotal)}%`;
  if (diff === undefined) return `${base})`;
  const delta = selfShareDelta(node, diff.afterTotal, diff.beforeTotal) * 100;
  const sign = delta > 0 ? "+" : delta < 0 ? "-" : "±";
  return `${base}; self ${formatWeight(node.before ?? 0)} → ${formatWeight(node.self)}, ${sign}${Math.abs(delta).toFixed(2)}%)`;
}

/** The label that fits in `width` pixels: none under 3 characters' room, else truncated with "..". */
export function fitLabel(name: string, width: number, fontSize: number, fontWidth: number): string {
  const chars = Math.floor(width / (fontSize * fontWidth));
  if (chars < 3) return "";
  return name.length <= chars ? name : `${name.slice(0, Math.max(0, chars - 2))}..`;
}
