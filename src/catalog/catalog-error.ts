import { ConfigError } from "../config/config-error.js";

/**
 * A problem in a catalog file, located: which file, which line, which key, what was expected.
 * A ConfigError without a column, named for the catalogs' public API.
 */
export class CatalogError extends ConfigError {
  constructor(file: string, line: number | undefined, keyPath: string, expected: string) {
    super(file, line, undefined, keyPath, expected);
    this.name = "CatalogError";
  }

  /** What was expected (the ConfigError's problem). */
  get expected(): string {
    return this.problem;
  }
}
