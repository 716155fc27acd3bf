import { normalQuantile } from "./normal-quantile.js";

/**
 * The p-quantile of Student's t distribution with `df` degrees of freedom. Exact closed forms
 * for 1 and 2 degrees of freedom, Newton's method on the closed-form CDFs for 3 and 4, and the
 * Cornish–Fisher expansion of Abramowitz & Stegun 26.7.5 from 5 up (error below 1e-4 there,
 * checked against table values in the tests).
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`t quantile needs p in (0, 1), got ${p}`);
  if (!(df >= 1) || !Number.isInteger(df))
    throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  if (df <= 4) return newton(p, df, z);
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

function newton(p: number, df: 3 | 4 | number, start: number): number {
  let t = start * 1.2;
  for (let i = 0; i < 50; i++) {
    const step = (cdf(t, df) - p) / density(t, df);
    t -= step;
    if (Math.abs(step) < 1e-12 * Math.max(1, Math.abs(t))) break;
  }
  return t;
}

function cdf(t: number, df: number): number {
  if (df === 3) {
    const s = Math.sqrt(3);
    return 0.5 + (t / (s * (1 + (t * t) / 3)) + Math.atan(t / s)) / Math.PI;
  }
  const x = t / Math.sqrt(4 + t * t);
  return 0.5 + (x * (3 - x * x)) / 4;
}

function density(t: number, df: number): number {
  if (df === 3) return (6 * Math.sqrt(3)) / (Math.PI * (3 + t * t) ** 2);
  return 3 / (8 * (1 + (t * t) / 4) ** 2.5);
}
