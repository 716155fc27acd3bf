/**
 * Malformed profile input. Text formats (folded, perf script, .cpuprofile) name the line; the
 * binary pprof format has no lines, so it names the record instead (sample 3, location id 9).
 */
export class ProfileParseError extends Error {
  /** The file (or "<input>") the bad input came from. */
  readonly source: string;
  /** 1-based line of the bad input, for text formats. */
  readonly line: number | undefined;

  constructor(source: string, line: number | undefined, problem: string) {
    super(`${source}${line === undefined ? "" : `:${line}`}: ${problem}`);
    this.name = "ProfileParseError";
    this.source = source;
    this.line = line;
  }
}

/** A short, printable excerpt of offending input for an error message. */
export function excerpt(text: string, max = 60): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, "?");
  return printable.length > max ? `${printable.slice(0, max)}...` : printable;
}

/** The 1-based line holding character `offset` of `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
