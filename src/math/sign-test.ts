/**
 * Two-sided exact sign test (McNemar's test for paired yes/no outcomes, exact form): of `n`
 * discordant pairs, `k` went one way. The p-value is the probability, under a fair coin, of a
 * split at least as lopsided as the one seen. Summed in log space, so a thousand pairs do not
 * underflow 2^-n to zero.
 */
export function signTestPValue(k: number, n: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0 || k < 0 || k > n)
    throw new RangeError(`sign test needs integers 0 <= k <= n, got k=${k}, n=${n}`);
  if (2 * k === n) return 1;
  const tail = Math.min(k, n - k);
  // log C(n, i) - n log 2, term by term: C(n, i+1) = C(n, i) (n - i) / (i + 1).
  let logTerm = -n * Math.LN2;
  const logs: number[] = [];
  for (let i = 0; i <= tail; i++) {
    logs.push(logTerm);
    logTerm += Math.log(n - i) - Math.log(i + 1);
  }
  const largest = logs[logs.length - 1] as number;
  const sum = logs.reduce((total, log) => total + Math.exp(log - largest), 0);
  return Math.min(1, 2 * Math.exp(largest + Math.log(sum)));
}
