import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "./package-root.js";

/** Written by the build next to the compiled code: the fingerprint of the sources it came from. */
const BUILT_FINGERPRINT = join("dist", "engine-fingerprint.json");

let fingerprint: string | undefined;

/** Every TypeScript source under `dir` (not declarations), as paths relative to `root`, sorted. */
function sourcesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourcesUnder(root, path));
    else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
      out.push(relative(root, path));
  }
  return out.sort();
}

/** A short hash of the TypeScript sources of src/ and sim/ under `root`. */
export function sourceFingerprint(root: string): string {
  const hash = createHash("sha256");
  for (const folder of ["src", "sim"]) {
    for (const file of sourcesUnder(root, join(root, folder))) {
      hash.update(file);
      hash.update("\0");
      hash.update(readFileSync(join(root, file)));
      hash.update("\0");
    }
  }
  return hash.digest("hex").slice(0, 8);
}

/** The build's last step: records the sources' fingerprint for the compiled code to report. */
export function writeBuiltFingerprint(): void {
  const root = packageRoot();
  writeFileSync(join(root, BUILT_FINGERPRINT), `${JSON.stringify({ engine: sourceFingerprint(root) })}\n`);
}

/**
 * A short hash of the engine's code (the TypeScript sources of src/ and sim/), so a result says
 * which physics and tuning logic produced it: the package version alone does not change when a
 * formula does, and a sweep resumed after an upgrade must not mix runs of two engines. The same
 * sources give the same fingerprint whether they run through tsx or as the build (which records
 * it, since a package carries no sources). Computed once per thread.
 */
export function engineFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const root = packageRoot();
  const built = fileURLToPath(import.meta.url).endsWith(".js");
  const recorded = join(root, BUILT_FINGERPRINT);
  if (built && existsSync(recorded)) {
    fingerprint = (JSON.parse(readFileSync(recorded, "utf8")) as { engine: string }).engine;
  } else {
    fingerprint = existsSync(join(root, "src")) && existsSync(join(root, "sim")) ? sourceFingerprint(root) : "unknown";
  }
  return fingerprint;
}
