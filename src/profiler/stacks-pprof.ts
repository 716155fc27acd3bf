import type { StackProfile } from "../flamegraph/stack-profile.js";
import { PprofBuilder } from "./pprof-builder.js";

/**
 * Weighted stacks as gzipped pprof, for sources that give only names (perf script, folded):
 * one Location per (caller path, name), no file or line. Sample type samples/count, or the
 * profile's unit.
 */
export function stacksToPprof(profile: StackProfile, startMs: number, durationMs: number): Uint8Array {
  const type: [string, string] = profile.unit === "samples" ? ["samples", "count"] : ["weight", profile.unit];
  const builder = new PprofBuilder([type]);
  builder.timing(startMs, durationMs);
  for (const [key, weight] of profile.stacks) {
    const frames = key.split(";");
    const ids: number[] = [];
    for (const name of frames) ids.push(builder.location(`n\u0000${name}`, { name, file: "", line: 0 }));
    builder.sample(ids.reverse(), [weight]);
  }
  return builder.gzipped();
}
