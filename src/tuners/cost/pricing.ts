import type { InstanceType } from "../../catalog/instance-type.js";

/** How a VM is paid for. */
export type PricingOption = "on-demand" | "spot" | "reserved-1y" | "savings-plan-1y";

/** USD per hour of `type` under `option`, or undefined when the catalog does not offer it. */
export function hourlyPrice(type: InstanceType, option: PricingOption): number | undefined {
  switch (option) {
    case "on-demand":
      return type.hourlyUsd;
    case "spot":
      return type.spot === undefined ? undefined : type.hourlyUsd * (1 - type.spot.discount);
    case "reserved-1y":
      return type.reserved1yDiscount === undefined ? undefined : type.hourlyUsd * (1 - type.reserved1yDiscount);
    case "savings-plan-1y":
      return type.savingsPlan1yDiscount === undefined ? undefined : type.hourlyUsd * (1 - type.savingsPlan1yDiscount);
  }
}

/** The cheaper of a 1-year reservation and a 1-year savings plan for `type`, when either is offered. */
export function bestCommitment(type: InstanceType): { option: PricingOption; hourly: number } | undefined {
  let best: { option: PricingOption; hourly: number } | undefined;
  for (const option of ["reserved-1y", "savings-plan-1y"] as const) {
    const hourly = hourlyPrice(type, option);
    if (hourly !== undefined && (best === undefined || hourly < best.hourly)) best = { option, hourly };
  }
  return best;
}
