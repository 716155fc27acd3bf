import seedrandom from "seedrandom";

/**
 * Seeded randomness for the twin: independent named substreams and the distributions the models
 * draw from.
 *
 * Generator: seedrandom's Alea (J. Baagøe). `npm run -s bench:rng` measures every seedrandom
 * algorithm; Alea was the fastest (median 162 M draws/s against 105 M for xor128, 104 M for
 * tychei and 22 M for the default ARC4, Node 20 on the 2-core machine), it passes BigCrush
 * according to seedrandom's documentation (xor128 does not), has a period near 2^116, and its
 * state is four numbers, cheap to snapshot. Draws have 32 bits of resolution, so an exponential
 * variate is capped near 22 means (probability 2^-32): harmless for queueing models.
 *
 * Substreams: each named stream is seeded from (seed, name) through Alea's own Mash string hash,
 * so a stream's draws depend only on the seed and its name. Adding a stream, or drawing from
 * another one, never perturbs it (a property test checks this).
 */
export class RandomStreams {
  readonly seed: number | string;
  private readonly streams = new Map<string, RandomStream>();

  constructor(seed: number | string) {
    this.seed = seed;
  }

  /** The stream named `name`, created on first use. */
  stream(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = new RandomStream(`twintune/${String(this.seed)}/${name}`);
      this.streams.set(name, stream);
    }
    return stream;
  }
}

export type AleaState = seedrandom.State.Alea;

/** One stream of uniform draws and the distributions built on it (all by inversion or exact methods). */
export class RandomStream {
  /** A uniform draw in [0, 1). */
  readonly uniform: () => number;
  private readonly prng: seedrandom.StatefulPRNG<AleaState>;
  private spareNormal = Number.NaN;

  constructor(key: string, state?: AleaState) {
    this.prng = seedrandom.alea(key, { state: state ?? true });
    this.uniform = this.prng;
  }

  /** The generator state, to fork an identical stream with `RandomStream.fromState`. */
  snapshot(): { state: AleaState; spareNormal: number } {
    return { state: this.prng.state(), spareNormal: this.spareNormal };
  }

  static fromState(snapshot: { state: AleaState; spareNormal: number }): RandomStream {
    const stream = new RandomStream("", snapshot.state);
    stream.spareNormal = snapshot.spareNormal;
    return stream;
  }

  /** Uniform in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Log-uniform on [low, high): every factor of two equally likely (low > 0). */
  logUniform(low: number, high: number): number {
    return Math.exp(this.between(Math.log(low), Math.log(high)));
  }

  /** A uniform integer in [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Exponential with the given rate (mean 1/rate), by inversion. */
  exponential(rate: number): number {
    return -Math.log(1 - this.uniform()) / rate;
  }

  /** Normal by the Box–Muller transform; the second variate of each pair is kept for the next call. */
  normal(mean = 0, sd = 1): number {
    let z = this.spareNormal;
    if (Number.isNaN(z)) {
      const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
      const angle = 2 * Math.PI * this.uniform();
      z = radius * Math.cos(angle);
      this.spareNormal = radius * Math.sin(angle);
    } else {
      this.spareNormal = Number.NaN;
    }
    return mean + sd * z;
  }

  /** exp(N(mu, sigma)): mu and sigma are those of the underlying normal. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Lognormal with the given mean and coefficient of variation (sd / mean). */
  lognormalMeanCv(mean: number, cv: number): number {
    const sigma2 = Math.log(1 + cv * cv);
    return this.lognormal(Math.log(mean) - sigma2 / 2, Math.sqrt(sigma2));
  }

  /** Pareto type I with scale (minimum) xm and shape alpha, by inversion. */
  pareto(xm: number, alpha: number): number {
    return xm / (1 - this.uniform()) ** (1 / alpha);
  }

  /**
   * Poisson with mean lambda: Knuth's multiplication method below 30, Hörmann's PTRS
   * (transformed rejection with squeeze, "The transformed rejection method for generating
   * Poisson random variables", Insurance: Mathematics and Economics 12, 1993) above.
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0)) throw new RangeError(`poisson mean must be non-negative, got ${lambda}`);
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let product = this.uniform();
      while (product >= limit) {
        k++;
        product *= this.uniform();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const logLambda = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLambda - logFactorial(k)) {
        return k;
      }
    }
  }

  /** An element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.integer(items.length)] as T;
  }
}

const LOG_FACTORIALS: number[] = [0];
for (let k = 1; k < 256; k++) LOG_FACTORIALS.push((LOG_FACTORIALS[k - 1] as number) + Math.log(k));

/** ln(k!) exactly from a table below 256, by Stirling's series above (error < 1e-15 relative). */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIALS[k] as number;
  const k2 = k * k;
  return (
    k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + 1 / (12 * k) - 1 / (360 * k * k2) + 1 / (1260 * k2 * k2 * k)
  );
}
