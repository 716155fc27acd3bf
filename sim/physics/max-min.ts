/**
 * Max-min fair rates of flows over shared links (progressive filling): raise every unfrozen
 * flow's rate together until a link saturates or a flow reaches its own cap, freeze those, and
 * repeat. Each flow crosses a set of links; caps are per-flow ceilings (window or loss limits).
 * This is the sharing rule SimGrid's LMM solver uses for its flow models (Velho & Legrand, SIMUTools 2009).
 */
export interface MaxMinFlow {
  links: readonly number[];
  cap: number;
}

export function maxMinRates(capacities: readonly number[], flows: readonly MaxMinFlow[]): number[] {
  const rates = new Array<number>(flows.length).fill(0);
  const frozen = new Array<boolean>(flows.length).fill(false);
  const remaining = [...capacities];
  let active = flows.length;
  for (let round = 0; active > 0 && round <= flows.length + capacities.length; round++) {
    // Unfrozen flows per link, and the smallest equal increment any link or flow cap allows.
    const users = new Array<number>(capacities.length).fill(0);
    flows.forEach((flow, i) => {
      if (!frozen[i]) for (const link of flow.links) users[link] = (users[link] as number) + 1;
    });
    let step = Number.POSITIVE_INFINITY;
    users.forEach((count, link) => {
      if (count > 0) step = Math.min(step, (remaining[link] as number) / count);
    });
    flows.forEach((flow, i) => {
      if (!frozen[i]) step = Math.min(step, flow.cap - (rates[i] as number));
    });
    if (!Number.isFinite(step)) {
      // Flows that cross no link and have no cap: unbounded.
      flows.forEach((_, i) => {
        if (!frozen[i]) rates[i] = Number.POSITIVE_INFINITY;
      });
      break;
    }
    step = Math.max(0, step);
    flows.forEach((flow, i) => {
      if (frozen[i]) return;
      rates[i] = (rates[i] as number) + step;
      for (const link of flow.links) remaining[link] = (remaining[link] as number) - step;
    });
    const saturated = remaining.map(
      (left, link) => (users[link] as number) > 0 && left <= 1e-9 * Math.max(1, capacities[link] as number),
    );
    flows.forEach((flow, i) => {
      if (frozen[i]) return;
      if (
        (rates[i] as number) >= flow.cap - 1e-12 * Math.max(1, flow.cap) ||
        flow.links.some((link) => saturated[link])
      ) {
        frozen[i] = true;
        active--;
      }
    });
  }
  return rates;
}
