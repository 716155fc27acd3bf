import { frameLabel } from "../flamegraph/cpuprofile-stacks.js";
import { addStack, type StackProfile } from "../flamegraph/stack-profile.js";
import type { SamplingHeapNode, SamplingHeapProfile } from "./heap-sampler.js";
import { PprofBuilder } from "./pprof-builder.js";

export interface HeapExport {
  /** gzipped pprof, sample type inuse_space/bytes. */
  pprof: Uint8Array;
  /** Live bytes per stack, for the folded file. */
  folded: StackProfile;
  bytes: number;
}

/** Converts V8's sampling heap profile (in-use bytes per allocation stack) to pprof and stacks. Iterative. */
export function exportHeapProfile(
  profile: SamplingHeapProfile,
  wallStartMs: number,
  intervalBytes: number,
): HeapExport {
  const builder = new PprofBuilder([["inuse_space", "bytes"]], { type: "space", unit: "bytes", value: intervalBytes });
  builder.timing(wallStartMs, 0);
  const folded: StackProfile = { stacks: new Map(), unit: "bytes" };
  let bytes = 0;
  const work: [SamplingHeapNode, number[], string[]][] = [[profile.head, [], []]];
  while (work.length > 0) {
    const [node, callers, names] = work.pop() as [SamplingHeapNode, number[], string[]];
    const isRoot = node === profile.head;
    const frame = node.callFrame;
    const locations = isRoot
      ? callers
      : [
          builder.location(node.id, {
            name: frame.functionName === "" ? "(anonymous)" : frame.functionName,
            file: frame.url,
            line: frame.lineNumber + 1,
          }),
          ...callers,
        ];
    const stack = isRoot ? names : [...names, frameLabel(frame)];
    if (!isRoot && node.selfSize > 0) {
      builder.sample(locations, [node.selfSize]);
      addStack(folded, stack, node.selfSize);
      bytes += node.selfSize;
    }
    for (const child of node.children) work.push([child, locations, stack]);
  }
  return { pprof: builder.gzipped(), folded, bytes };
}
