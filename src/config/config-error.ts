/**
 * A problem in a catalog or scenario file, located as people look for it: which file, which
 * line and column, which key path, and what was expected. `message` is the whole sentence,
 * "models/hosts.yaml:12:9: hosts[1].nodes[0].cpus: expected a CPU list like 0-7, got 'abc'".
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly keyPath: string,
    readonly problem: string,
  ) {
    const where = line === undefined ? file : `${file}:${line}${column === undefined ? "" : `:${column}`}`;
    super(`${where}: ${keyPath === "" ? "" : `${keyPath}: `}${problem}`);
    this.name = "ConfigError";
  }
}

/** Formats a key path the way people write it: hosts[1].nodes[0].cpus */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}
