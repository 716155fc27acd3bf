import { type Scale, tickLabel } from "./scale.js";
import { COLORS, el, escapeXml, svgDocument, text } from "./svg.js";

/** A legend entry: a swatch (line, box or marker) and its words. */
export interface LegendItem {
  label: string;
  color: string;
  kind: "line" | "box" | "dashed" | "cross" | "dot" | "faint";
}

export interface Frame {
  width: number;
  height: number;
  /** The plot area, in pixels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface FrameOptions {
  width?: number;
  height?: number;
  title: string;
  subtitle?: string;
  /** Axis titles, with their units: "simulated time (min)". */
  xTitle: string;
  yTitle: string;
  legend: LegendItem[];
  /** Extra left margin for long category labels. */
  leftMargin?: number;
  /** Where the rotated y title sits (default 16 px from the left edge; panels move it). */
  yTitleX?: number;
}

const HEADER_X = 16;

/** Estimated width of a label at 12 px (Helvetica averages about 0.55 em a character). */
function labelWidth(label: string): number {
  return 28 + label.length * 6.6;
}

/** Legend items flowed left to right, wrapping at `right`: each item's x and row. */
export function legendPositions(items: readonly LegendItem[], right: number): { x: number; row: number }[] {
  const out: { x: number; row: number }[] = [];
  let x = HEADER_X;
  let row = 0;
  for (const item of items) {
    const width = labelWidth(item.label);
    if (x > HEADER_X && x + width > right) {
      row++;
      x = HEADER_X;
    }
    out.push({ x, row });
    x += width + 18;
  }
  return out;
}

/** The plot area for the options: margins for title, legend, tick labels and axis titles. */
export function layout(options: FrameOptions): Frame {
  const width = options.width ?? 760;
  const height = options.height ?? 420;
  const positions = legendPositions(options.legend, width - 24);
  const legendRows = positions.length === 0 ? 0 : (positions.at(-1)?.row ?? 0) + 1;
  return {
    width,
    height,
    left: options.leftMargin ?? 72,
    right: width - 24,
    top: 58 + legendRows * 18,
    bottom: height - 52,
  };
}

function swatch(item: LegendItem, x: number, y: number): string {
  switch (item.kind) {
    case "line":
      return el("line", { x1: x, y1: y, x2: x + 22, y2: y, stroke: item.color, "stroke-width": 2.5 });
    case "faint":
      return el("line", { x1: x, y1: y, x2: x + 22, y2: y, stroke: item.color, "stroke-width": 1, opacity: 0.6 });
    case "dashed":
      return el("line", {
        x1: x,
        y1: y,
        x2: x + 22,
        y2: y,
        stroke: item.color,
        "stroke-width": 2,
        "stroke-dasharray": "5 3",
      });
    case "box":
      return el("rect", { x, y: y - 6, width: 22, height: 12, fill: item.color, "fill-opacity": 0.75 });
    case "cross":
      return crossMarker(x + 11, y, item.color);
    case "dot":
      return el("circle", { cx: x + 11, cy: y, r: 4, fill: item.color });
  }
}

export function crossMarker(x: number, y: number, color: string, size = 5): string {
  return el("path", {
    d: `M${x - size} ${y - size} L${x + size} ${y + size} M${x - size} ${y + size} L${x + size} ${y - size}`,
    stroke: color,
    "stroke-width": 2.5,
  });
}

/** Title, subtitle and the legend, above the plot area. */
function header(options: FrameOptions, frame: Frame): string {
  const parts = [
    el("text", { x: HEADER_X, y: 22, "font-size": 16, "font-weight": "bold", fill: COLORS.ink }, text(options.title)),
  ];
  if (options.subtitle !== undefined)
    parts.push(el("text", { x: HEADER_X, y: 40, "font-size": 12, fill: COLORS.muted }, text(options.subtitle)));
  const positions = legendPositions(options.legend, frame.right);
  options.legend.forEach((item, i) => {
    const { x, row } = positions[i] as { x: number; row: number };
    const y = 58 + row * 18;
    parts.push(swatch(item, x, y - 4), el("text", { x: x + 28, y, fill: COLORS.ink }, text(item.label)));
  });
  return parts.join("\n");
}

/** Grid lines, ticks and labels for a numeric x and y axis, and the axis titles. */
export function axes(
  frame: Frame,
  x: Scale | undefined,
  y: Scale | undefined,
  options: FrameOptions,
  xLabel = tickLabel,
  yLabel = tickLabel,
): string {
  const parts: string[] = [];
  for (const tick of y?.ticks() ?? []) {
    const py = (y as Scale)(tick);
    parts.push(el("line", { x1: frame.left, y1: py, x2: frame.right, y2: py, stroke: COLORS.grid }));
    parts.push(
      el("text", { x: frame.left - 6, y: py + 4, "text-anchor": "end", fill: COLORS.ink }, text(yLabel(tick))),
    );
  }
  for (const tick of x?.ticks() ?? []) {
    const pxl = (x as Scale)(tick);
    parts.push(el("line", { x1: pxl, y1: frame.bottom, x2: pxl, y2: frame.bottom + 5, stroke: COLORS.ink }));
    parts.push(
      el("text", { x: pxl, y: frame.bottom + 18, "text-anchor": "middle", fill: COLORS.ink }, text(xLabel(tick))),
    );
  }
  parts.push(el("line", { x1: frame.left, y1: frame.bottom, x2: frame.right, y2: frame.bottom, stroke: COLORS.ink }));
  parts.push(el("line", { x1: frame.left, y1: frame.top, x2: frame.left, y2: frame.bottom, stroke: COLORS.ink }));
  if (options.xTitle !== "")
    parts.push(
      el(
        "text",
        { x: (frame.left + frame.right) / 2, y: frame.height - 12, "text-anchor": "middle", fill: COLORS.ink },
        text(options.xTitle),
      ),
    );
  const midY = Math.round((frame.top + frame.bottom) / 2);
  const titleX = options.yTitleX ?? 16;
  if (options.yTitle !== "")
    parts.push(
      el(
        "text",
        { x: titleX, y: midY, "text-anchor": "middle", transform: `rotate(-90 ${titleX} ${midY})`, fill: COLORS.ink },
        text(options.yTitle),
      ),
    );
  return parts.join("\n");
}

/** The whole chart: header, axes under the plot, the plot clipped to its area. */
export function chart(options: FrameOptions, frame: Frame, axesMarkup: string, plot: string): string {
  const clip = el(
    "clipPath",
    { id: "plot" },
    el("rect", {
      x: frame.left,
      y: frame.top - 4,
      width: frame.right - frame.left + 4,
      height: frame.bottom - frame.top + 8,
    }),
  );
  const body = [
    el("defs", {}, clip),
    header(options, frame),
    axesMarkup,
    el("g", { "clip-path": "url(#plot)" }, plot),
  ].join("\n");
  return svgDocument(
    frame.width,
    frame.height,
    `${options.title}${options.subtitle === undefined ? "" : ` (${options.subtitle})`}`,
    body,
  );
}

/** A note in the middle of the plot area (no data, for example). */
export function centeredNote(frame: Frame, words: string): string {
  return el(
    "text",
    {
      x: (frame.left + frame.right) / 2,
      y: (frame.top + frame.bottom) / 2,
      "text-anchor": "middle",
      fill: COLORS.muted,
      "font-size": 14,
    },
    escapeXml(words),
  );
}
