import { TraceError } from "./trace-error.js";

/** The trace columns (README.md, "Trace CSV"), required first. */
export const REQUIRED_COLUMNS = ["timestamp", "vm", "instance_type", "cpu", "mem"] as const;
export const OPTIONAL_COLUMNS = ["iops", "net_mbps", "oom", "tags"] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

/** Where each known column is in a row (−1: absent); other columns are ignored. */
export type ColumnIndex = Record<Column, number> & { count: number };

/** Reads the header: names are matched case-insensitively, in any order; extra columns are allowed. */
export function parseHeader(fields: string[], file: string): ColumnIndex {
  const index = { count: fields.length } as ColumnIndex;
  for (const name of [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]) index[name] = -1;
  fields.forEach((raw, position) => {
    const name = raw.trim().toLowerCase() as Column;
    if (!(name in index) || name === ("count" as Column)) return;
    if (index[name] !== -1)
      throw new TraceError(
        file,
        1,
        name,
        `appears twice in the header (fields ${index[name] + 1} and ${position + 1})`,
      );
    index[name] = position;
  });
  const missing = REQUIRED_COLUMNS.filter((name) => index[name] === -1);
  if (missing.length > 0) {
    throw new TraceError(
      file,
      1,
      undefined,
      `the header lacks column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")}; it needs ${REQUIRED_COLUMNS.join(", ")} (optional: ${OPTIONAL_COLUMNS.join(", ")})`,
    );
  }
  return index;
}
