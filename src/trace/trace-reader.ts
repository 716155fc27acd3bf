import type { InstanceCatalog } from "../catalog/instance-catalog.js";
import type { InstanceType } from "../catalog/instance-type.js";
import type { UsageSample } from "../tuners/rightsize/vm-history.js";
import { splitCsvLine } from "./csv-fields.js";
import { parseFlag, parseFraction, parseOptionalAmount, parseTags, parseTimestamp } from "./field-parsers.js";
import { forEachLine } from "./line-reader.js";
import { type ColumnIndex, parseHeader } from "./trace-columns.js";
import { TraceError } from "./trace-error.js";

export interface ReadTraceOptions {
  catalog: InstanceCatalog;
  /** The file's name in messages (default: the path). */
  name?: string;
  /** Skip and count malformed rows instead of stopping at the first. An unknown instance type still stops. */
  skipBadRows?: boolean;
  /** Receives every good row, in file order. A RangeError it throws marks the row bad (e.g. time going backwards). */
  onRow: (vm: string, sample: UsageSample, type: InstanceType) => void;
}

export interface TraceSummary {
  rows: number;
  skipped: number;
  /** The first few skipped rows' messages. */
  skippedExamples: string[];
  vms: number;
}

/** Lines one record may span through quoted line breaks: more than any tag list holds, few enough that a stray quote costs no more rows than its own. */
const MAX_RECORD_LINES = 16;

/** An odd number of quotes: a quoted field is still open at the end of the text (doubled quotes come in pairs). */
function quoteOpen(text: string): boolean {
  let quotes = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) quotes++;
  return quotes % 2 === 1;
}

/**
 * Streams a trace CSV (README.md, "Trace CSV") into `onRow`. A malformed row is a TraceError
 * naming the line and column, unless skipBadRows; a type missing from the catalog is always an
 * error, with the closest catalog names.
 */
export function readTrace(file: string, options: ReadTraceOptions): TraceSummary {
  const { catalog } = options;
  const path = options.name ?? file;
  let columns: ColumnIndex | undefined;
  let rows = 0;
  let skipped = 0;
  const skippedExamples: string[] = [];
  const lastTags = new Map<string, string>();
  const bad = (error: TraceError) => {
    if (!options.skipBadRows) throw error;
    skipped++;
    if (skippedExamples.length < 5) skippedExamples.push(error.message);
  };
  let lines = 0;
  // A quoted field may hold line breaks (RFC 4180): a record whose quote is still open is held
  // and continued on the next line, up to MAX_RECORD characters; errors name its first line.
  /** Reads one record: the header, or a row passed to onRow; returns what is wrong with it, if anything. */
  const parseRecord = (line: string, lineNumber: number): TraceError | undefined => {
    const fields = splitCsvLine(line);
    if (columns === undefined) {
      if (fields === undefined) throw new TraceError(path, lineNumber, undefined, "unterminated quote in the header");
      columns = parseHeader(fields, path);
      return undefined;
    }
    if (fields === undefined) return new TraceError(path, lineNumber, undefined, "unterminated quote");
    if (fields.length !== columns.count)
      return new TraceError(
        path,
        lineNumber,
        undefined,
        `expected ${columns.count} fields like the header, got ${fields.length}`,
      );
    const row = parseRow(fields, columns, path, lineNumber, catalog, lastTags);
    if (row instanceof TraceError) return row;
    try {
      options.onRow(row.vm, row.sample, row.type);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return new TraceError(path, lineNumber, "timestamp", error.message);
    }
    rows++;
    return undefined;
  };
  const record = (line: string, lineNumber: number): void => {
    const problem = parseRecord(line, lineNumber);
    if (problem !== undefined) bad(problem);
  };
  // A quoted field may hold line breaks (RFC 4180): the lines of a record whose quote is still
  // open are held, at most MAX_RECORD_LINES of them; errors name the record's first line. A quote
  // that never closes makes only its own line bad: the lines held after it are rows of their own.
  const held: { text: string; line: number }[] = [];
  const giveUp = (): void => {
    const lines = held.splice(0);
    bad(new TraceError(path, (lines[0] as { line: number }).line, undefined, "unterminated quote"));
    for (const { text, line } of lines.slice(1)) feed(text, line);
  };
  const feed = (raw: string, lineNumber: number): void => {
    if (held.length > 0) {
      held.push({ text: raw, line: lineNumber });
      const joined = held.map((part) => part.text).join("\n");
      if (!quoteOpen(joined)) record(joined, (held.splice(0)[0] as { line: number }).line);
      else if (held.length >= MAX_RECORD_LINES) giveUp();
      return;
    }
    if (raw.trim() === "") return;
    if (columns !== undefined && quoteOpen(raw)) held.push({ text: raw, line: lineNumber });
    else record(raw, lineNumber);
  };
  try {
    lines = forEachLine(file, feed);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new TraceError(path, 0, undefined, "no such file");
    if (code === "EISDIR") throw new TraceError(path, 0, undefined, "is a directory, expected a CSV file");
    throw error;
  }
  while (held.length > 0) giveUp();
  if (columns === undefined)
    throw new TraceError(path, Math.max(1, lines), undefined, "empty file: expected a header and rows");
  return { rows, skipped, skippedExamples, vms: lastTags.size };
}

function parseRow(
  fields: string[],
  columns: ColumnIndex,
  path: string,
  line: number,
  catalog: InstanceCatalog,
  lastTags: Map<string, string>,
): { vm: string; sample: UsageSample; type: InstanceType } | TraceError {
  const field = (index: number) => (index === -1 ? "" : (fields[index] as string));
  const time = parseTimestamp(field(columns.timestamp));
  if (typeof time === "string") return new TraceError(path, line, "timestamp", time);
  const vm = field(columns.vm).trim();
  if (vm === "") return new TraceError(path, line, "vm", "expected a VM name, got nothing");
  const typeName = field(columns.instance_type).trim();
  const type = catalog.get(typeName);
  if (type === undefined) {
    const near = catalog.closeNames(typeName);
    // Not a malformed row: the catalog lacks the type, so every row of this VM would fail. Always stop.
    throw new TraceError(
      path,
      line,
      "instance_type",
      `unknown instance type '${typeName}': not in ${catalog.origin}${near.length > 0 ? `; close names: ${near.join(", ")}` : ""} (use --catalog FILE to bring your own)`,
    );
  }
  const cpu = parseFraction(field(columns.cpu));
  if (typeof cpu === "string") return new TraceError(path, line, "cpu", cpu);
  const mem = parseFraction(field(columns.mem));
  if (typeof mem === "string") return new TraceError(path, line, "mem", mem);
  const sample: UsageSample = { time, cpu, mem };
  const iops = parseOptionalAmount(field(columns.iops));
  if (typeof iops === "string") return new TraceError(path, line, "iops", iops);
  if (iops !== undefined) sample.iops = iops;
  const net = parseOptionalAmount(field(columns.net_mbps));
  if (typeof net === "string") return new TraceError(path, line, "net_mbps", net);
  if (net !== undefined) sample.netMbps = net;
  const oom = parseFlag(field(columns.oom));
  if (typeof oom === "string") return new TraceError(path, line, "oom", oom);
  if (oom) sample.oom = true;
  const tags = field(columns.tags);
  if (lastTags.get(vm) !== tags) {
    lastTags.set(vm, tags);
    const parsed = parseTags(tags);
    if (parsed.length > 0) sample.tags = parsed;
  }
  return { vm, sample, type };
}
