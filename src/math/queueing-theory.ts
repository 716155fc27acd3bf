// Closed forms of single-station queues (e.g. Kleinrock, Queueing Systems vol. 1, 1975). Rates are
// per unit of time; results are in the same unit.

function checkStable(lambda: number, capacity: number): number {
  const rho = lambda / capacity;
  if (!(lambda > 0) || !(rho < 1)) throw new RangeError(`unstable or empty queue: utilization ${rho}`);
  return rho;
}

/** M/M/1: mean wait in queue Wq = rho / (mu - lambda). */
export function mm1MeanWait(lambda: number, mu: number): number {
  const rho = checkStable(lambda, mu);
  return rho / (mu - lambda);
}

/** M/M/1: mean time in system W = 1 / (mu - lambda). */
export function mm1MeanSojourn(lambda: number, mu: number): number {
  checkStable(lambda, mu);
  return 1 / (mu - lambda);
}

/** M/D/1: Wq = rho / (2 mu (1 - rho)), half of M/M/1. */
export function md1MeanWait(lambda: number, mu: number): number {
  const rho = checkStable(lambda, mu);
  return rho / (2 * mu * (1 - rho));
}

/**
 * M/G/1 (Pollaczek–Khinchine): Wq = lambda E[S^2] / (2 (1 - rho)), with E[S^2] = E[S]^2 (1 + cs^2)
 * for a service time with mean E[S] and coefficient of variation cs.
 */
export function mg1MeanWait(lambda: number, meanService: number, serviceCv: number): number {
  const rho = checkStable(lambda, 1 / meanService);
  const secondMoment = meanService * meanService * (1 + serviceCv * serviceCv);
  return (lambda * secondMoment) / (2 * (1 - rho));
}

/** Erlang C: the probability that an arrival waits in M/M/c with offered load a = lambda / mu. */
export function erlangC(servers: number, offeredLoad: number): number {
  const rho = offeredLoad / servers;
  if (!(rho < 1) || !(offeredLoad > 0)) throw new RangeError(`unstable or empty M/M/c: utilization ${rho}`);
  // Erlang B by its stable recursion, then C = B / (1 - rho (1 - B)).
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  return b / (1 - rho * (1 - b));
}

/** M/M/c: Wq = C(c, a) / (c mu - lambda). */
export function mmcMeanWait(lambda: number, mu: number, servers: number): number {
  return erlangC(servers, lambda / mu) / (servers * mu - lambda);
}

/**
 * Kingman's G/G/1 approximation: Wq ≈ E[S] · rho / (1 - rho) · (ca^2 + cs^2) / 2. Exact for
 * M/G/1 (ca = 1), and the basis of the fluid model's queueing delay.
 */
export function kingmanMeanWait(lambda: number, meanService: number, arrivalCv: number, serviceCv: number): number {
  const rho = checkStable(lambda, 1 / meanService);
  return ((meanService * rho) / (1 - rho)) * ((arrivalCv ** 2 + serviceCv ** 2) / 2);
}

/**
 * G/G/c mean wait by the Allen–Cunneen approximation: the M/M/c wait (Erlang C) scaled by
 * (ca² + cs²)/2. Exact for M/M/c; within a few percent for M/G/c at moderate service variability
 * (Allen, Probability, Statistics and Queueing Theory, 1990).
 */
export function allenCunneenMeanWait(
  lambda: number,
  meanService: number,
  servers: number,
  arrivalCv: number,
  serviceCv: number,
): number {
  return mmcMeanWait(lambda, 1 / meanService, servers) * ((arrivalCv ** 2 + serviceCv ** 2) / 2);
}
