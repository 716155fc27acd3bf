import type { FrameNode } from "./frame-tree.js";

/** flamegraph.pl's geometry, in pixels. */
export const GEOMETRY = {
  imageWidth: 1200,
  frameHeight: 16,
  fontSize: 12,
  /** Average glyph width as a fraction of the font size (flamegraph.pl's fontwidth). */
  fontWidth: 0.59,
  xpad: 10,
  /** Above the frames: room for the title (fontsize · 3). */
  ypad1: 36,
  /** Below the frames: room for the details line (fontsize · 2 + 10). */
  ypad2: 34,
  /** Frames narrower than this many pixels are not drawn, nor anything above them. */
  minWidth: 0.1,
} as const;

/** The width the frames are drawn across at the default image width (the padding on both sides left out). */
export const DRAWN_WIDTH = GEOMETRY.imageWidth - 2 * GEOMETRY.xpad;

export interface FrameRect {
  node: FrameNode;
  /** 0 for the root. */
  depth: number;
  /** Weight of the siblings to the left, summed up the tree: x in samples. */
  start: number;
  x: number;
  width: number;
}

export interface FrameLayout {
  rects: FrameRect[];
  /** Deepest drawn level. */
  maxDepth: number;
  /** Pixels per unit of weight. */
  scale: number;
  /** Frames left out for being narrower than minWidth (their subtrees not counted). */
  pruned: number;
}

/**
 * Places every frame at least `minWidth` pixels wide: x from the weight of the siblings to its
 * left (children in name order), width proportional to its total weight. Frames in depth-first
 * order, parents before children. Iterative, so deep stacks cannot overflow the call stack.
 */
export function layoutFrames(
  root: FrameNode,
  imageWidth: number = GEOMETRY.imageWidth,
  minWidth: number = GEOMETRY.minWidth,
): FrameLayout {
  const scale = root.total > 0 ? (imageWidth - 2 * GEOMETRY.xpad) / root.total : 0;
  const rects: FrameRect[] = [];
  let maxDepth = 0;
  let pruned = 0;
  const work: [FrameNode, number, number][] = [[root, 0, 0]];
  while (work.length > 0) {
    const [node, depth, start] = work.pop() as [FrameNode, number, number];
    const width = node.total * scale;
    if (width < minWidth || node.total <= 0) {
      pruned++;
      continue;
    }
    rects.push({ node, depth, start, x: GEOMETRY.xpad + start * scale, width });
    if (depth > maxDepth) maxDepth = depth;
    // Children sit from the parent's left edge; the parent's self weight is the gap on the right.
    const starts: number[] = [];
    let childStart = start;
    for (const child of node.children) {
      starts.push(childStart);
      childStart += child.total;
    }
    for (let k = node.children.length - 1; k >= 0; k--) {
      work.push([node.children[k] as FrameNode, depth + 1, starts[k] as number]);
    }
  }
  return { rects, maxDepth, scale, pruned };
}

/**
 * The lightest frame worth building for drawing: below the SVG's minimum width and the HTML
 * page's data floor (a share of the whole), with a hair of slack for rounding. 0 keeps all.
 */
export function drawThreshold(
  total: number,
  minWidth: number = GEOMETRY.minWidth,
  htmlFraction = 1e-5,
  imageWidth: number = GEOMETRY.imageWidth,
): number {
  return total * Math.min(htmlFraction, minWidth / (imageWidth - 2 * GEOMETRY.xpad)) * (1 - 1e-9);
}
