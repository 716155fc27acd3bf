import { normalQuantile } from "../../math/normal-quantile.js";
import { quantile } from "../../metrics/quantile.js";

/**
 * The q-quantile of a demand the trace cut off at `ceiling` (a VM cannot use more CPU than it
 * has): a share `saturated` of the samples sit at the ceiling, so the ceiling is the demand's
 * (1 − saturated)-quantile, and the uncensored samples below it give a lower quantile. Taking
 * the demand as lognormal, those two quantiles fix its spread, and the q-quantile follows.
 * Undefined when the q-quantile is not censored, or when too little of the demand shows (less
 * than 10% of samples below the ceiling) to say more than "at least the ceiling".
 */
export function censoredQuantile(
  values: ArrayLike<number>,
  saturated: number,
  ceiling: number,
  q: number,
  scratch?: Float64Array,
): number | undefined {
  const top = 1 - saturated;
  if (top >= q || top < 0.1 || !(ceiling > 0)) return undefined;
  const low = top / 2;
  const below = quantile(values, low, scratch);
  if (!(below > 0 && below < ceiling)) return undefined;
  const sigma = (Math.log(ceiling) - Math.log(below)) / (normalQuantile(top) - normalQuantile(low));
  return ceiling * Math.exp(sigma * (normalQuantile(q) - normalQuantile(top)));
}
