/** At most this many seeds in one sweep: a typo like 1-10000000 should not start a week of work. */
export const MAX_SEEDS = 10_000;

/**
 * Seeds from "1-32", "7", "1,3,5-8": sorted. Throws a RangeError that says what was expected for
 * anything else, and for a seed listed twice.
 */
export function parseSeedList(text: string): number[] {
  const seeds = new Set<number>();
  for (const raw of text.split(",")) {
    const part = raw.trim();
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (match === null) throw new RangeError(`expected seeds like 1-32 or 1,3,5-8, got '${text}'`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last))
      throw new RangeError(`seed too large in '${part}'`);
    if (last < first) throw new RangeError(`a seed range must go up, got '${part}'`);
    if (last - first + 1 + seeds.size > MAX_SEEDS) throw new RangeError(`at most ${MAX_SEEDS} seeds, got '${text}'`);
    for (let seed = first; seed <= last; seed++) {
      // Said, not dropped: a repeat is a typo, and 1,1 would silently run half the seeds meant.
      if (seeds.has(seed)) throw new RangeError(`seed ${seed} is listed twice in '${text}'`);
      seeds.add(seed);
    }
  }
  return [...seeds].sort((a, b) => a - b);
}
