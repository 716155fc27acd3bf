import { fail, numberedLines, ok, type Parsed } from "./parsed.js";

export interface Feature {
  on: boolean;
  /** "[fixed]": the driver does not let it change. */
  fixed: boolean;
}

/**
 * `ethtool -k IFACE` text: "Features for X:" then `name: on|off [fixed|requested on|...]` lines,
 * sub-features indented. Returns every feature by name.
 */
export function parseEthtoolFeatures(text: string, file = "ethtool -k"): Parsed<Map<string, Feature>> {
  const out = new Map<string, Feature>();
  for (const { text: line, line: number } of numberedLines(text)) {
    if (/^Features for /.test(line)) continue;
    const match = /^\s*([\w-]+): (on|off)(?: \[(fixed|requested (?:on|off))\])?\s*$/.exec(line);
    if (match === null) return fail(file, number, "expected 'feature: on|off [fixed]'");
    out.set(match[1] as string, { on: match[2] === "on", fixed: match[3] === "fixed" });
  }
  if (out.size === 0) return fail(file, 0, "no features");
  return ok(out);
}
