/** A problem in a catalog file, located: which file, which line, which key, what was expected. */
export class CatalogError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly keyPath: string;
  readonly expected: string;

  constructor(file: string, line: number | undefined, keyPath: string, expected: string) {
    super(`${file}${line === undefined ? "" : `:${line}`}: ${keyPath === "" ? "" : `${keyPath}: `}${expected}`);
    this.name = "CatalogError";
    this.file = file;
    this.line = line;
    this.keyPath = keyPath;
    this.expected = expected;
  }
}

/** `instances[3].spot.discount` from a path of keys and indices. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}
