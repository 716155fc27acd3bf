import type { StackProfile } from "./stack-profile.js";

/**
 * Folded text ("root;child;leaf COUNT" per line), stacks sorted as whole lines by code point as
 * flamegraph.pl sorts them, so the same profile always gives the same bytes. Weights that are
 * not integers keep up to 3 decimals.
 */
export function formatFolded(profile: StackProfile): string {
  const keys = [...profile.stacks.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines: string[] = [];
  for (const key of keys) {
    const weight = profile.stacks.get(key) as number;
    const text = Number.isInteger(weight) ? String(weight) : String(Number(weight.toFixed(3)));
    lines.push(`${key} ${text}`);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
