/** The frames of a rendered flame graph, read back from its SVG: what a viewer sees. */
export interface SvgFrame {
  title: string;
  name: string;
  samples: number;
  x: number;
  y: number;
  width: number;
  fill: string;
  label: string;
}

const FRAME =
  /<g class="frame"><title>(.*?)<\/title><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="15" fill="(.*?)" rx="2" ry="2"\/>(?:<text x="[\d.]+" y="[\d.]+">(.*?)<\/text>)?<\/g>/g;

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

export function svgFrames(svg: string): SvgFrame[] {
  return [...svg.matchAll(FRAME)].map((match) => {
    const title = unescapeXml(match[1] as string);
    const parsed = /^(.*) \(([\d,.]+) \w+, [\d.]+%/.exec(title);
    return {
      title,
      name: parsed?.[1] ?? "",
      samples: Number((parsed?.[2] ?? "NaN").replace(/,/g, "")),
      x: Number(match[2]),
      y: Number(match[3]),
      width: Number(match[4]),
      fill: match[5] as string,
      label: unescapeXml(match[6] ?? ""),
    };
  });
}
