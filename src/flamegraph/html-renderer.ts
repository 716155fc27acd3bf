import { GEOMETRY } from "./frame-layout.js";
import { formatWeight } from "./frame-text.js";
import type { FrameNode } from "./frame-tree.js";
import { PAGE_SCRIPT } from "./html-script.js";
import { escapeXml } from "./palette.js";

export interface HtmlOptions {
  title?: string;
  unit?: string;
  minWidth?: number;
  imageWidth?: number;
  /** Differential page: the before profile's total (the tree carries `before` self weights). */
  diffBeforeTotal?: number;
  /**
   * Frames below this share of the whole profile are left out of the page's data (with what is
   * above them), to bound its size: at 1e-5 a frame still shows 0.1 px wide after zooming 100×
   * into a 1% frame.
   */
  minFraction?: number;
}

interface PageData {
  title: string;
  unit: string;
  width: number;
  minWidth: number;
  beforeTotal?: number;
  names: string[];
  /** Per frame in depth-first order: name index, depth, total, self and (diff) before. */
  n: number[];
  d: number[];
  t: number[];
  s: number[];
  b?: number[];
}

function pageData(root: FrameNode, options: HtmlOptions): PageData {
  const diff = options.diffBeforeTotal !== undefined;
  const data: PageData = {
    title: options.title ?? (diff ? "Differential Flame Graph" : "Flame Graph"),
    unit: options.unit ?? "samples",
    width: options.imageWidth ?? GEOMETRY.imageWidth,
    minWidth: options.minWidth ?? GEOMETRY.minWidth,
    ...(diff ? { beforeTotal: options.diffBeforeTotal, b: [] } : {}),
    names: [],
    n: [],
    d: [],
    t: [],
    s: [],
  };
  const nameIndex = new Map<string, number>();
  const floor = root.total * (options.minFraction ?? 1e-5);
  const work: [FrameNode, number][] = [[root, 0]];
  while (work.length > 0) {
    const [node, depth] = work.pop() as [FrameNode, number];
    if (depth > 0 && node.total < floor) continue;
    let index = nameIndex.get(node.name);
    if (index === undefined) {
      index = data.names.length;
      data.names.push(node.name);
      nameIndex.set(node.name, index);
    }
    data.n.push(index);
    data.d.push(depth);
    data.t.push(node.total);
    data.s.push(node.self);
    data.b?.push(node.before ?? 0);
    for (let k = node.children.length - 1; k >= 0; k--) work.push([node.children[k] as FrameNode, depth + 1]);
  }
  return data;
}

/**
 * A self-contained interactive flame graph page: the frames as JSON plus a small script (no
 * network assets, works from a file:// URL). Click a frame to zoom, search by regex with the
 * matched share, reset with the button or Escape.
 */
export function renderHtml(root: FrameNode, options: HtmlOptions = {}): string {
  const data = pageData(root, options);
  // "<" escaped so no frame name can close the script element.
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  const subtitle = `${formatWeight(root.total)} ${data.unit}${
    data.beforeTotal === undefined
      ? ""
      : ` after, ${formatWeight(data.beforeTotal)} before: width after, colour the change in self share (red more, blue less)`
  }`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(data.title)}</title>
<style>
body { font-family: Verdana, sans-serif; font-size: 13px; margin: 12px; background: #fff; color: #000; }
h1 { font-size: 17px; margin: 0 0 4px; }
#search-form { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
#matched { font-weight: bold; }
#flame { display: block; background: linear-gradient(#eeeeee, #eeeeb0); }
#flame text { font-family: Verdana, sans-serif; font-size: 12px; pointer-events: none; }
#flame .frame { cursor: pointer; }
#flame .ancestor { opacity: 0.5; }
#flame .frame:hover rect { stroke: #000; stroke-width: 0.5; }
#details { min-height: 1.4em; margin-top: 4px; font-family: monospace; }
</style>
</head>
<body>
<h1>${escapeXml(data.title)}</h1>
<div>${escapeXml(subtitle)}</div>
<form id="search-form">
<input id="search" type="search" size="40" placeholder="search: regular expression" aria-label="search frames">
<button type="submit">Search</button>
<button type="button" id="clear">Clear</button>
<button type="button" id="reset" disabled>Reset zoom</button>
<span id="matched"></span>
</form>
<svg id="flame" xmlns="http://www.w3.org/2000/svg"><g id="frames"></g></svg>
<div id="details"></div>
<script id="flame-data" type="application/json">${json}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
