/** A GitHub-flavoured Markdown table; cells are escaped so a '|' in a value cannot break the row. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned: readonly number[] = [],
): string {
  const cell = (value: string) => value.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rule = headers.map((_, i) => (rightAligned.includes(i) ? "---:" : "---"));
  return [
    `| ${headers.map(cell).join(" | ")} |`,
    `| ${rule.join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
    "",
  ].join("\n");
}

/** "+12.3%" / "-4.0%"; "n/a" when the baseline is 0. */
export function percentChange(before: number, after: number, decimals = 1): string {
  if (before === 0) return "n/a";
  const pct = ((after - before) / before) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(decimals)}%`;
}
