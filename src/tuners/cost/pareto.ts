/** A choice with a monthly cost and a performance risk, both to be minimised. */
export interface CostRiskOption {
  type: string;
  pricing: string;
  monthlyUsd: number;
  risk: number;
}

/**
 * The Pareto frontier: the options no other option beats on both cost and risk (cheaper or
 * equal, and less risky or equal, one of them strictly). Sorted by cost, so risk falls along it.
 * Ties in both keep the first in input order.
 */
export function paretoFrontier<T extends CostRiskOption>(options: readonly T[]): T[] {
  const sorted = options
    .map((option, index) => ({ option, index }))
    .sort((a, b) => a.option.monthlyUsd - b.option.monthlyUsd || a.option.risk - b.option.risk || a.index - b.index);
  const frontier: T[] = [];
  let bestRisk = Number.POSITIVE_INFINITY;
  for (const { option } of sorted) {
    if (option.risk < bestRisk) {
      frontier.push(option);
      bestRisk = option.risk;
    }
  }
  return frontier;
}
