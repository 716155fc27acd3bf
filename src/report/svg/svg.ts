/** Minimal SVG writing: escaped text, attributes in a fixed order, coordinates rounded to 0.1 px (stable output). */

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A coordinate or length, rounded to a tenth of a pixel. */
export function px(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite coordinate: ${value}`);
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

export type Attributes = Record<string, string | number | undefined>;

function attributes(attrs: Attributes): string {
  let out = "";
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    out += ` ${key}="${typeof value === "number" ? px(value) : escapeXml(value)}"`;
  }
  return out;
}

/** An element; `children` is markup already (use `text()` for words). */
export function el(tag: string, attrs: Attributes = {}, children?: string): string {
  return children === undefined ? `<${tag}${attributes(attrs)}/>` : `<${tag}${attributes(attrs)}>${children}</${tag}>`;
}

/** Escaped character data. */
export function text(words: string): string {
  return escapeXml(words);
}

/** A polyline path through points ("M x y L x y ..."). */
export function pathThrough(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${px(x)} ${px(y)}`).join(" ");
}

/** The whole document: a standalone SVG with a white background that opens in any browser. */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    el("title", {}, text(title)),
    el("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }),
    body,
    "</svg>",
    "",
  ].join("\n");
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
export const COLORS = {
  before: "#E69F00",
  after: "#0072B2",
  good: "#009E73",
  bad: "#D55E00",
  accent: "#CC79A7",
  sky: "#56B4E9",
  ink: "#222222",
  grid: "#e5e5e5",
  muted: "#888888",
} as const;

/** A palette for many series (categorical). */
export const PALETTE = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#D55E00",
  "#56B4E9",
  "#CC79A7",
  "#F0E442",
  "#000000",
  "#999999",
  "#882255",
  "#44AA99",
  "#117733",
] as const;
