/**
 * What every procfs/sysfs parser returns: the value, or a ParseError naming the file and line.
 * Parsers never throw: a malformed file is data, not a crash (the fuzz tests hold them to it).
 */

/** A file did not have the shape the kernel documents. `line` is 1-based; 0 means the file as a whole. */
export class ParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ""}: ${detail}`);
    this.name = "ParseError";
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ParseError };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T>(file: string, line: number, detail: string): Parsed<T> {
  return { ok: false, error: new ParseError(file, line, detail) };
}

/** The value, or throws the ParseError (for callers that turn it into their own error). */
export function unwrap<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** Lines of a file with their 1-based numbers, blank lines dropped. */
export function numberedLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() !== "") out.push({ text: line, line: i + 1 });
  }
  return out;
}

/** A non-negative decimal integer that a double holds exactly, or undefined. */
export function natural(token: string | undefined): number | undefined {
  if (token === undefined || !/^\d{1,16}$/.test(token)) return undefined;
  const value = Number(token);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A signed decimal integer that a double holds exactly, or undefined. */
export function integer(token: string | undefined): number | undefined {
  if (token === undefined || !/^-?\d{1,16}$/.test(token)) return undefined;
  const value = Number(token);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A finite decimal number ("12.34"), or undefined. */
export function decimal(token: string | undefined): number | undefined {
  if (token === undefined || !/^-?\d{1,16}(\.\d{1,16})?$/.test(token)) return undefined;
  return Number(token);
}

/** Whitespace-separated fields of a line. */
export function fields(line: string): string[] {
  return line.trim().split(/\s+/);
}

/**
 * Counters that don't fit a double exactly (above 2^53, e.g. 64-bit byte counters after years of
 * uptime) are read approximately rather than rejected: rates stay right to 1 part in 2^53.
 */
export function counter(token: string | undefined): number | undefined {
  if (token === undefined || !/^\d{1,20}$/.test(token)) return undefined;
  return Number(token);
}

/**
 * Runs a parser body that may `unwrap` sub-results or throw a ParseError, and returns it as a
 * Parsed value. Only ParseError is caught: anything else is a bug and must surface.
 */
export function attempt<T>(body: () => T): Parsed<T> {
  try {
    return ok(body());
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, error };
    throw error;
  }
}
