import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "./package-root.js";

let fingerprint: string | undefined;

/** Every file under `dir` whose name passes `keep`, as paths relative to `root`, sorted. */
function filesUnder(root: string, dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(root, path, keep));
    else if (entry.isFile() && keep(entry.name)) out.push(relative(root, path));
  }
  return out.sort();
}

/**
 * A short hash of the engine's code (src/ and sim/, as built when running from dist/, else the
 * TypeScript sources), so a result says which physics and tuning logic produced it: the package
 * version alone does not change when a formula does, and a sweep resumed after an upgrade must
 * not mix runs of two engines. Computed once per thread.
 */
export function engineFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const root = packageRoot();
  const built = fileURLToPath(import.meta.url).endsWith(".js");
  const base = built ? join(root, "dist") : root;
  const keep = built
    ? (name: string) => name.endsWith(".js")
    : (name: string) => name.endsWith(".ts") && !name.endsWith(".d.ts");
  const hash = createHash("sha256");
  for (const folder of ["src", "sim"]) {
    for (const file of filesUnder(base, join(base, folder), keep)) {
      hash.update(file);
      hash.update("\0");
      hash.update(readFileSync(join(base, file)));
      hash.update("\0");
    }
  }
  fingerprint = hash.digest("hex").slice(0, 8);
  return fingerprint;
}
