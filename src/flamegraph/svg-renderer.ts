import { GEOMETRY, layoutFrames } from "./frame-layout.js";
import { fitLabel, formatWeight, frameTooltip, selfShareDelta } from "./frame-text.js";
import type { FrameNode } from "./frame-tree.js";
import { diffColor, escapeXml, hotColor } from "./palette.js";

export interface SvgOptions {
  title?: string;
  /** What a weight counts ("samples", "microseconds"). */
  unit?: string;
  /** Frames narrower than this many pixels are pruned with everything above them (default 0.1). */
  minWidth?: number;
  imageWidth?: number;
  /** Render as a differential graph: the tree carries `before` self weights; this is the before profile's total. */
  diffBeforeTotal?: number;
}

export interface RenderedSvg {
  svg: string;
  /** Frames drawn, and frames left out for being too narrow. */
  drawn: number;
  pruned: number;
}

const fixed = (value: number) => (Math.round(value * 100) / 100).toString();

/**
 * Renders a flame graph as a standalone SVG following flamegraph.pl: the root ("all") at the
 * bottom, each level 16 px above its parent, x alphabetical per level, width proportional to the
 * frame's total weight, frames under minWidth pruned, a label when at least 3 characters fit, and
 * the name with its weight and share in a <title> shown on hover. Differential graphs colour
 * each frame by the change of its self share (red more, blue less).
 */
export function renderSvg(root: FrameNode, options: SvgOptions = {}): RenderedSvg {
  const { fontSize, fontWidth, frameHeight, ypad1, ypad2 } = GEOMETRY;
  const imageWidth = options.imageWidth ?? GEOMETRY.imageWidth;
  const unit = options.unit ?? "samples";
  const layout = layoutFrames(root, imageWidth, options.minWidth ?? GEOMETRY.minWidth);
  const height = (layout.maxDepth + 1) * frameHeight + ypad1 + ypad2;
  const diff =
    options.diffBeforeTotal === undefined
      ? undefined
      : { afterTotal: root.total, beforeTotal: options.diffBeforeTotal };
  let maxDelta = 0;
  if (diff !== undefined) {
    for (const rect of layout.rects) {
      maxDelta = Math.max(maxDelta, Math.abs(selfShareDelta(rect.node, diff.afterTotal, diff.beforeTotal)));
    }
  }
  const title = options.title ?? (diff === undefined ? "Flame Graph" : "Differential Flame Graph");
  const subtitle =
    diff === undefined
      ? `${formatWeight(root.total)} ${unit}`
      : `width: after (${formatWeight(root.total)} ${unit}); colour: change in self share since before (${formatWeight(diff.beforeTotal)} ${unit}), red more, blue less`;
  const out: string[] = [
    '<?xml version="1.0" standalone="no"?>',
    `<svg version="1.1" width="${imageWidth}" height="${height}" viewBox="0 0 ${imageWidth} ${height}" xmlns="http://www.w3.org/2000/svg">`,
    '<defs><linearGradient id="background" y1="0" y2="1" x1="0" x2="0"><stop stop-color="#eeeeee" offset="5%"/><stop stop-color="#eeeeb0" offset="95%"/></linearGradient></defs>',
    `<style>text { font-family: Verdana, sans-serif; font-size: ${fontSize}px; fill: rgb(0,0,0); } .title { font-size: ${fontSize + 5}px; }</style>`,
    `<rect x="0" y="0" width="${imageWidth}" height="${height}" fill="url(#background)"/>`,
    `<text class="title" x="${imageWidth / 2}" y="${fontSize * 2}" text-anchor="middle">${escapeXml(title)}</text>`,
    `<text x="${imageWidth / 2}" y="${height - ypad2 / 2}" text-anchor="middle">${escapeXml(subtitle)}</text>`,
  ];
  for (const rect of layout.rects) {
    const { node, depth } = rect;
    const y1 = height - ypad2 - (depth + 1) * frameHeight + 1;
    const y2 = height - ypad2 - depth * frameHeight;
    const fill =
      diff === undefined
        ? hotColor(node.name)
        : diffColor(selfShareDelta(node, diff.afterTotal, diff.beforeTotal), maxDelta);
    const label = fitLabel(node.name, rect.width, fontSize, fontWidth);
    out.push(
      `<g class="frame"><title>${escapeXml(frameTooltip(node, root.total, unit, diff))}</title>` +
        `<rect x="${fixed(rect.x)}" y="${y1}" width="${fixed(rect.width)}" height="${y2 - y1}" fill="${fill}" rx="2" ry="2"/>` +
        (label === ""
          ? ""
          : `<text x="${fixed(rect.x + 3)}" y="${fixed(3 + (y1 + y2) / 2)}">${escapeXml(label)}</text>`) +
        "</g>",
    );
  }
  out.push("</svg>", "");
  return { svg: out.join("\n"), drawn: layout.rects.length, pruned: layout.pruned };
}
