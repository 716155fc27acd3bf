import { signTestPValue } from "../math/sign-test.js";
import { grouped, signedPercent } from "../number-text.js";
import { type Stat, statOf } from "./aggregate.js";
import { type RunSummary, SWEEP_METRICS, serviceScoreOf } from "./run-summary.js";

/** One metric compared: each policy's mean, and the paired difference B − A with its 95% interval. */
export interface MetricComparison {
  key: string;
  label: string;
  unit: string;
  a: Stat | null;
  b: Stat | null;
  difference: Stat | null;
  /** Which policy is better on this metric at 95%, if either. */
  better: "A" | "B" | null;
}

/**
 * How many of the paired runs converged under each policy. Convergence time is compared only over
 * the seeds where both did, so the counts say what that comparison leaves out. `better` is the
 * policy that converged on significantly more seeds (exact sign test on the seeds where only one
 * did, 5%).
 */
export interface ConvergenceCount {
  a: number;
  b: number;
  both: number;
  runs: number;
  better: "A" | "B" | null;
}

export interface PolicyComparison {
  seeds: number[];
  metrics: MetricComparison[];
  converged: ConvergenceCount;
  /** The tuned service score of B relative to A on each seed, %: the criterion for the winner. */
  score: Stat | null;
  winner: "A" | "B" | null;
  verdict: string;
}

function significant(difference: Stat | null, better: "up" | "down" | undefined): "A" | "B" | null {
  if (difference === null || difference.lower === null || difference.upper === null || better === undefined)
    return null;
  if (difference.lower > 0) return better === "up" ? "B" : "A";
  if (difference.upper < 0) return better === "up" ? "A" : "B";
  return null;
}

/**
 * Compares two policies run on the same seeds (common random numbers: on one seed both see the
 * same arrivals and demands, so the difference is the policies'). Each metric's difference is the
 * mean of the per-seed differences B − A with a Student-t interval (a paired comparison, much
 * tighter than comparing two means). The winner is the policy with the higher tuned service score
 * (throughput / p95 / cost) when the interval of B's relative score excludes zero.
 */
export function comparePolicies(
  a: readonly RunSummary[],
  b: readonly RunSummary[],
  names: [string, string],
): PolicyComparison {
  const bySeed = new Map(b.map((run) => [run.seed, run]));
  const pairs = [...a]
    .sort((x, y) => x.seed - y.seed)
    .flatMap((run) => {
      const other = bySeed.get(run.seed);
      return other === undefined ? [] : [[run, other] as const];
    });
  const metrics = SWEEP_METRICS.map((metric) => {
    const as: number[] = [];
    const bs: number[] = [];
    const diffs: number[] = [];
    for (const [x, y] of pairs) {
      const va = metric.value(x);
      const vb = metric.value(y);
      if (va !== undefined && Number.isFinite(va)) as.push(va);
      if (vb !== undefined && Number.isFinite(vb)) bs.push(vb);
      if (va !== undefined && vb !== undefined && Number.isFinite(va) && Number.isFinite(vb)) diffs.push(vb - va);
    }
    const difference = statOf(diffs);
    return {
      key: metric.key,
      label: metric.label,
      unit: metric.unit,
      a: statOf(as),
      b: statOf(bs),
      difference,
      better: significant(difference, metric.better),
    };
  });
  const converged = convergenceCount(pairs);
  const ratios = pairs.map(([x, y]) => (serviceScoreOf(y.tuned) / Math.max(serviceScoreOf(x.tuned), 1e-300) - 1) * 100);
  const score = statOf(ratios);
  const winner = significant(score, "up");
  const [nameA, nameB] = names;
  let verdict: string;
  if (score === null || score.halfWidth === null) verdict = "too few seeds to decide (at least 2 are needed)";
  else if (winner === null)
    verdict = `no significant difference: ${nameB} vs ${nameA} service score ${signedPercent(score.mean / 100)} ± ${grouped(score.halfWidth, 2)}% (95%)`;
  else if (winner === "B")
    verdict = `${nameB} wins: its tuned service score is ${grouped(score.mean, 2)}% ± ${grouped(score.halfWidth, 2)}% above ${nameA}'s (paired, 95%)`;
  else
    verdict = `${nameA} wins: ${nameB}'s tuned service score is ${grouped(-score.mean, 2)}% ± ${grouped(score.halfWidth, 2)}% below ${nameA}'s (paired, 95%)`;
  return { seeds: pairs.map(([x]) => x.seed), metrics, converged, score, winner, verdict };
}

function convergenceCount(pairs: readonly (readonly [RunSummary, RunSummary])[]): ConvergenceCount {
  const done = (run: RunSummary) => run.convergedAtMinutes !== null;
  const aOnly = pairs.filter(([x, y]) => done(x) && !done(y)).length;
  const bOnly = pairs.filter(([x, y]) => !done(x) && done(y)).length;
  const both = pairs.filter(([x, y]) => done(x) && done(y)).length;
  const significant = aOnly !== bOnly && signTestPValue(aOnly, aOnly + bOnly) < 0.05;
  return {
    a: both + aOnly,
    b: both + bOnly,
    both,
    runs: pairs.length,
    better: significant ? (aOnly > bOnly ? "A" : "B") : null,
  };
}
