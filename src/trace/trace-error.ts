/** A problem in a trace file, located by file, line and column name. */
export class TraceError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: string | undefined;

  constructor(file: string, line: number, column: string | undefined, message: string) {
    super(`${file}:${line}: ${column === undefined ? "" : `column '${column}': `}${message}`);
    this.name = "TraceError";
    this.file = file;
    this.line = line;
    this.column = column;
  }
}
