/** Right-align cells that look numeric, left-align the rest. */
const NUMERIC = /^[-+−]?[$]?\d[\d,.]*(e[-+]?\d+)?\s?[%a-zA-Zµ/]*$/;

/**
 * Renders rows as a plain-text table with a header rule, columns padded to their widest cell.
 * `textColumns` are always left-aligned (values of any kind, where a bare number is a value too).
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns: readonly number[] = [],
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] as number;
        return NUMERIC.test(cell) && !textColumns.includes(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return `${[line(header), rule, ...rows.map(line)].join("\n")}\n`;
}
