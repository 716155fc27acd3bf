/**
 * The convergence chart as text: one bar per tuning window (its improvement in %), the ±threshold
 * lines and the point where the run converged. Pure, so it is tested without a terminal.
 *
 * The y axis is symmetric-logarithmic in units of the threshold, y = sign(v)·log10(1 + |v|/t):
 * the first windows of a run can improve by tens of percent while convergence is judged at ±1%,
 * and a linear axis would squash the threshold into the zero line. The labels give real values.
 */

export type Tone = "plain" | "axis" | "up" | "down" | "threshold" | "marker";

export interface Segment {
  text: string;
  tone: Tone;
}

export interface ChartInput {
  windows: readonly { startMin: number; endMin: number; improvementPct: number }[];
  thresholdPct: number;
  convergedAtMin: number | undefined;
  /** Minutes the x axis spans (the run's duration, or more if the run went on longer). */
  spanMin: number;
  /** Columns in all, labels included. */
  width: number;
  /** Plot rows, not counting the x-axis row under them. */
  height: number;
}

const LABEL = 6;

function scale(value: number, threshold: number): number {
  return Math.sign(value) * Math.log10(1 + Math.abs(value) / threshold);
}

/** Percent label: "+25%", "+1%", "-0.5%". */
export function percentLabel(value: number): string {
  const magnitude = Math.abs(value);
  const text = magnitude >= 10 || Number.isInteger(magnitude) ? magnitude.toFixed(0) : magnitude.toFixed(1);
  return `${value > 0 ? "+" : value < 0 ? "-" : ""}${text}%`;
}

function runs(cells: readonly { ch: string; tone: Tone }[]): Segment[] {
  const out: Segment[] = [];
  for (const cell of cells) {
    const last = out.at(-1);
    if (last !== undefined && last.tone === cell.tone) last.text += cell.ch;
    else out.push({ text: cell.ch, tone: cell.tone });
  }
  return out;
}

const EIGHTHS = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/** A downward bar's cell filled from the top by `fraction` (block elements have no finer upper blocks). */
function upperBlock(fraction: number): string {
  if (fraction <= 0.05) return " ";
  if (fraction < 0.3) return "▔";
  if (fraction < 0.75) return "▀";
  return "█";
}

/**
 * The chart's rows, each exactly `width` columns wide: `height` rows in all, of which one is the
 * zero line, then the x-axis row. Rows above the zero line hold improvements, rows below it
 * degradations, in proportion to the largest of each (at least one row below).
 */
export function chartRows(input: ChartInput): Segment[][] {
  const { windows, thresholdPct: t, width } = input;
  const height = Math.max(4, input.height);
  const plot = Math.max(10, width - LABEL - 1);
  const span = Math.max(input.spanMin, ...windows.map((w) => w.endMin), 1);
  const values = windows.map((w) => scale(w.improvementPct, t));
  const up = Math.max(scale(3 * t, t), ...values);
  const down = Math.max(scale(1.5 * t, t), ...values.map((v) => -v));
  const below = Math.max(1, Math.min(height - 3, Math.round(((height - 1) * down) / (up + down))));
  const above = height - 1 - below;
  const zeroRow = above;
  // Row r above zero covers y in [up·(above-1-r)/above, up·(above-r)/above]; below zero likewise downwards.
  const rowSpanUp = up / above;
  const rowSpanDown = down / below;
  const rowOf = (y: number) =>
    y >= 0
      ? Math.max(0, above - 1 - Math.min(above - 1, Math.floor(y / rowSpanUp)))
      : zeroRow + 1 + Math.min(below - 1, Math.floor(-y / rowSpanDown));
  const upRow = rowOf(scale(t, t));
  const downRow = rowOf(-scale(t, t));
  const col = (min: number) => Math.min(plot - 1, Math.max(0, Math.floor((min / span) * plot)));
  const convergedCol = input.convergedAtMin === undefined ? undefined : col(input.convergedAtMin);

  const labels = new Map<number, string>();
  // The zero line and the thresholds are always labelled; the extremes only where they do not crowd them.
  const label = (row: number, value: number, spaced = false) => {
    if (labels.has(row) || (spaced && [row - 1, row + 1].some((r) => labels.has(r)))) return;
    labels.set(row, percentLabel(value));
  };
  const unscale = (y: number) => Math.sign(y) * t * (10 ** Math.abs(y) - 1);
  label(zeroRow, 0);
  label(upRow, t);
  label(downRow, -t);
  label(0, unscale(up), true);
  label(height - 1, unscale(-down), true);

  const grid: { ch: string; tone: Tone }[][] = [];
  for (let row = 0; row < height; row++) {
    const line = ((): { ch: string; tone: Tone } => {
      if (row === zeroRow) return { ch: "─", tone: "axis" };
      if (row === upRow || row === downRow) return { ch: "┈", tone: "threshold" };
      return { ch: " ", tone: "plain" };
    })();
    grid.push(Array.from({ length: plot }, () => ({ ...line })));
  }
  windows.forEach((window, index) => {
    const y = values[index] as number;
    const first = col(window.startMin);
    const last = Math.max(first, Math.floor((window.endMin / span) * plot) - 1);
    const end = Math.min(plot - 1, last - first >= 2 ? last - 1 : last); // a gap between wide bars
    const tone: Tone = y >= 0 ? "up" : "down";
    for (let row = 0; row < height; row++) {
      let ch: string;
      if (row === zeroRow) ch = "━";
      else if (row < zeroRow) {
        const low = rowSpanUp * (above - 1 - row);
        ch = EIGHTHS[Math.round(Math.min(1, Math.max(0, (y - low) / rowSpanUp)) * 8)] as string;
      } else {
        const high = rowSpanDown * (row - zeroRow - 1);
        ch = upperBlock(Math.min(1, Math.max(0, (-y - high) / rowSpanDown)));
      }
      if (ch === " ") continue;
      for (let c = first; c <= end; c++) {
        const cell = grid[row]?.[c];
        if (cell !== undefined) Object.assign(cell, { ch, tone });
      }
    }
  });
  if (convergedCol !== undefined) {
    for (const line of grid) {
      const cell = line[convergedCol];
      if (cell !== undefined && cell.tone !== "up" && cell.tone !== "down")
        Object.assign(cell, { ch: "┃", tone: "marker" });
    }
  }

  const rows = grid.map((cells, row) => [
    { text: (labels.get(row) ?? "").padStart(LABEL), tone: "axis" as Tone },
    { text: row === zeroRow ? "┼" : "│", tone: "axis" as Tone },
    ...runs(cells),
  ]);
  // The x axis: minute ticks at the start, middle and end, the converged point as ◆.
  const axis = Array.from({ length: plot }, () => " ");
  const put = (at: number, text: string) => {
    const start = Math.max(0, Math.min(plot - text.length, at));
    // A tick the ◆ would land inside is left out whole: "2◆m" reads as nothing.
    if (convergedCol !== undefined && convergedCol >= start && convergedCol < start + text.length) return;
    for (let i = 0; i < text.length; i++) axis[start + i] = text[i] as string;
  };
  put(0, "0");
  put(Math.floor(plot / 2) - 1, `${Math.round(span / 2)}m`);
  put(plot - `${Math.round(span)}m`.length, `${Math.round(span)}m`);
  const xRow: Segment[] = [{ text: `${" ".repeat(LABEL)}└`, tone: "axis" }];
  if (convergedCol === undefined) xRow.push({ text: axis.join(""), tone: "axis" });
  else
    xRow.push(
      { text: axis.slice(0, convergedCol).join(""), tone: "axis" },
      { text: "◆", tone: "marker" },
      { text: axis.slice(convergedCol + 1).join(""), tone: "axis" },
    );
  rows.push(xRow.filter((segment) => segment.text.length > 0));
  return rows.map((row) => pad(row, width));
}

function pad(row: Segment[], width: number): Segment[] {
  const length = row.reduce((n, s) => n + s.text.length, 0);
  return length >= width ? row : [...row, { text: " ".repeat(width - length), tone: "plain" }];
}

/** A row's text without tones (tests, the plain log). */
export function rowText(row: readonly Segment[]): string {
  return row.map((segment) => segment.text).join("");
}
