import type { CpuProfile, CpuProfileNode } from "../flamegraph/cpuprofile.js";
import { cpuProfileStacks, sampleWeights } from "../flamegraph/cpuprofile-stacks.js";
import type { StackProfile } from "../flamegraph/stack-profile.js";
import { PprofBuilder } from "./pprof-builder.js";

export interface CpuExport {
  /** gzipped pprof: sample types samples/count and cpu/nanoseconds. */
  pprof: Uint8Array;
  /** Weighted stacks in microseconds, for the folded file. */
  folded: StackProfile;
  /** Timer samples in the profile (V8's idle samples excluded). */
  samples: number;
  /** Profiled time in microseconds (from the time deltas). */
  cpuMicros: number;
}

const IDLE = "(idle)";

/**
 * Converts a V8 CPU profile to pprof and weighted stacks. Weights are the samples' time deltas
 * (see sampleWeights), not counts; samples in V8's "(idle)" node are dropped, so the profile is
 * CPU time of the JavaScript thread. One pprof Location per V8 node (line numbers made 1-based),
 * one Function per (name, script, line); samples summed per node.
 */
export function exportCpuProfile(profile: CpuProfile, wallStartMs: number, intervalUs: number): CpuExport {
  const byId = new Map<number, CpuProfileNode>(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const weights = sampleWeights(profile);
  const perNode = new Map<number, { count: number; micros: number }>();
  let samples = 0;
  let cpuMicros = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    const node = byId.get(id) as CpuProfileNode;
    if (node.callFrame.functionName === IDLE || node.callFrame.functionName === "(root)") continue;
    const entry = perNode.get(id) ?? { count: 0, micros: 0 };
    entry.count++;
    entry.micros += weights[i] as number;
    perNode.set(id, entry);
    samples++;
    cpuMicros += weights[i] as number;
  }
  const builder = new PprofBuilder(
    [
      ["samples", "count"],
      ["cpu", "nanoseconds"],
    ],
    { type: "cpu", unit: "nanoseconds", value: intervalUs * 1000 },
  );
  builder.timing(wallStartMs, (profile.endTime - profile.startTime) / 1000);
  for (const [id, { count, micros }] of perNode) {
    const locations: number[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = (byId.get(at) as CpuProfileNode).callFrame;
      if (frame.functionName === "(root)" && !parent.has(at)) break;
      locations.push(
        builder.location(at, {
          name: frame.functionName === "" ? "(anonymous)" : frame.functionName,
          file: frame.url,
          line: frame.lineNumber + 1,
          column: frame.columnNumber + 1,
        }),
      );
    }
    builder.sample(locations, [count, micros * 1000]);
  }
  const folded = cpuProfileStacks(profile, { dropIdle: true });
  for (const [key, weight] of folded.stacks) folded.stacks.set(key, Math.round(weight));
  return { pprof: builder.gzipped(), folded, samples, cpuMicros };
}
