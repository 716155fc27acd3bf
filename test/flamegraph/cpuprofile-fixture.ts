import type { CpuProfile } from "../../src/flamegraph/cpuprofile.js";

const frame = (functionName: string, url = "", lineNumber = -1) => ({
  functionName,
  scriptId: "1",
  url,
  lineNumber,
  columnNumber: 0,
});

/**
 * A small V8 CPU profile with hand-computed weights. Sample times: 1010, 1110, 1310, 1360, 1385 µs,
 * end 1400, so the weights (time to the next sample) are 100, 200, 50, 25 and 15 µs:
 * work 100 + 200 + 15 = 315, main 50, (idle) 25.
 */
export function smallCpuProfile(): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame("(root)"), hitCount: 0, children: [2, 4] },
      { id: 2, callFrame: frame("main", "file:///app/a.js", 0), hitCount: 1, children: [3] },
      { id: 3, callFrame: frame("work", "file:///app/a.js", 4), hitCount: 3 },
      { id: 4, callFrame: frame("(idle)"), hitCount: 1 },
    ],
    startTime: 1000,
    endTime: 1400,
    samples: [3, 3, 2, 4, 3],
    timeDeltas: [10, 100, 200, 50, 25],
  };
}
