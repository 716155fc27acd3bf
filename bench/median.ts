/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Wall seconds of `work`, by the monotonic clock. */
export function timeIt<T>(work: () => T): { seconds: number; value: T } {
  const start = process.hrtime.bigint();
  const value = work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}
