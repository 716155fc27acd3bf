/**
 * Two-sided exact sign test (McNemar's test for paired yes/no outcomes, exact form): of `n`
 * discordant pairs, `k` went one way. The p-value is the probability, under a fair coin, of a
 * split at least as lopsided as the one seen.
 */
export function signTestPValue(k: number, n: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0 || k < 0 || k > n)
    throw new RangeError(`sign test needs integers 0 <= k <= n, got k=${k}, n=${n}`);
  if (n === 0) return 1;
  const tail = Math.min(k, n - k);
  let probability = 0;
  let term = 0.5 ** n; // C(n, 0) / 2^n
  for (let i = 0; i <= tail; i++) {
    probability += term;
    term = (term * (n - i)) / (i + 1);
  }
  return Math.min(1, 2 * probability);
}
