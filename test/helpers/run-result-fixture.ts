import type { RunMetrics, RunResult } from "../../src/report/run-result.js";

const metrics = (over: Partial<RunMetrics> = {}): RunMetrics => ({
  throughputRps: 1000,
  p95LatencyMs: 20,
  cpuUtil: 0.6,
  memUtil: 0.5,
  monthlyCostUsd: 730,
  iops: 500,
  errorRate: 0,
  ...over,
});

/** A run result built by hand: 40 minutes, changes kept at 15 and 25, one rolled back at 25, converged at 35. */
export function fixtureResult(over: Partial<RunResult> = {}): RunResult {
  const event = (minute: number, action: string, knob: string, rolledBack = false) => ({
    time: 600_000 + minute * 60_000,
    component: knob.startsWith("cpu") ? "cpu-pinning" : "numa",
    action,
    knob,
    from: "[]",
    to: "[0,1]",
    impactPct: rolledBack ? -12 : 8,
    success: !rolledBack,
    rolledBack,
    reason: rolledBack ? "p95 latency +12% (significant)" : "no service-level metric degraded",
  });
  return {
    scenario: 'fixture <&> "quoted"',
    seed: 7,
    configHash: "0badf00d",
    traceHash: "deadbeef",
    modelVersion: "0.1.0+models.12345678",
    startTime: 600_000,
    baseline: metrics(),
    tuned: metrics({ throughputRps: 1300, p95LatencyMs: 14 }),
    convergence: {
      converged: true,
      atMinutes: 35,
      windows: [0, 5, 10, 15, 20, 25, 30, 35].map((start, i) => ({
        startMin: start,
        endMin: start + 5,
        improvementPct: [0, 10, 2, 12, -3, 5, 0.5, 0.2][i] as number,
        idle: start >= 30,
      })),
    },
    history: [
      event(10, "apply", "memory-policy@web-1"),
      event(15, "keep", "memory-policy@web-1"),
      event(15, "keep", "cpu-affinity@web-1"),
      event(25, "revert", "cpu-affinity@web-2", true),
      event(25, "keep", "memory-policy@web-2"),
    ],
    rollbacks: 1,
    finalKnobs: { "memory-policy@web-1": { mode: "bind", nodes: [0] } },
    detail: {
      mode: "host",
      evaluationMinutes: 10,
      latencyUnit: "request",
      baseline: {
        latency: [
          { lowMs: 0, highMs: 0.001, count: 5 },
          { lowMs: 8, highMs: 9, count: 100 },
          { lowMs: 9, highMs: 10, count: 300 },
          { lowMs: 16, highMs: 18, count: 80 },
          { lowMs: 20, highMs: 22.5, count: 20 },
        ],
        costs: [
          { name: "web-1", monthlyCostUsd: 365, throughputRps: 600 },
          { name: "web-2", monthlyCostUsd: 365, throughputRps: 400 },
        ],
      },
      tuned: {
        latency: [
          { lowMs: 6, highMs: 7, count: 300 },
          { lowMs: 9, highMs: 10, count: 150 },
          { lowMs: 12, highMs: 14, count: 50 },
        ],
        costs: [
          { name: "web-1", monthlyCostUsd: 365, throughputRps: 800 },
          { name: "web-2", monthlyCostUsd: 365, throughputRps: 500 },
        ],
      },
      timeline: Array.from({ length: 40 }, (_, i) => ({
        minute: i + 1,
        throughputRps: 1000 + i * 8,
        p95LatencyMs: 20 - i * 0.15,
        monthlyCostUsd: 730,
      })),
      components: [
        { component: "numa", changes: 2, metrics: metrics({ throughputRps: 1200, p95LatencyMs: 16 }) },
        { component: "cpu-pinning", changes: 1, metrics: metrics({ throughputRps: 1050, p95LatencyMs: 19 }) },
      ],
    },
    ...over,
  };
}

/** Checks that markup is well-formed enough for a browser: every tag closed in order, text escaped. */
export function assertWellFormed(markup: string): void {
  const stack: string[] = [];
  const tags = markup.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g);
  for (const [, closing, name, , selfClosing] of tags) {
    if (selfClosing === "/") continue;
    if (closing === "/") {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else stack.push(name as string);
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(", ")}`);
  const text = markup.replace(/<[^>]*>/g, "");
  if (/[<>]/.test(text) || /&(?!amp;|lt;|gt;|quot;)/.test(text)) throw new Error("unescaped text");
}
