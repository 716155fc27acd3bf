import type { InstanceCatalog } from "../../catalog/instance-catalog.js";
import type { InstanceType } from "../../catalog/instance-type.js";
import type { RightSizerConfig } from "./config.js";
import { percent, usd } from "./reasons.js";
import type { Action } from "./recommendation.js";
import { holdProbability, type Needs } from "./type-choice.js";

export interface Decision {
  action: Action;
  to: InstanceType;
  confidence: number;
  monthlySavingsUsd: number;
  reasons: string[];
}

/**
 * From the VM's type and the chosen target to an action: maintain when they are the same, or
 * when a cheaper target saves less than the minimum while the current type still holds the
 * needs; downsize when cheaper; upsize when pricier, or when the current type no longer holds.
 */
export function decideAction(
  from: InstanceType,
  target: InstanceType,
  needs: Needs,
  config: RightSizerConfig,
  catalog: InstanceCatalog,
): Decision {
  const { policy } = config;
  const reasons: string[] = [];
  const fromHolds = holdProbability(from, needs, policy) >= config.confidenceThreshold;
  let action: Action;
  let to = target;
  if (target.name === from.name) action = "maintain";
  else if (target.hourlyUsd < from.hourlyUsd) {
    const saving = 1 - target.hourlyUsd / from.hourlyUsd;
    if (saving < config.minSavingsFraction && fromHolds) {
      reasons.push(
        `${target.name} would save only ${percent(saving)}, below the ${percent(config.minSavingsFraction)} minimum: keep ${from.name}`,
      );
      action = "maintain";
    } else action = "downsize";
  } else action = target.hourlyUsd > from.hourlyUsd || !fromHolds ? "upsize" : "maintain";
  if (action === "maintain") to = from;
  const savings = catalog.monthlyUsd(from) - catalog.monthlyUsd(to);
  if (action === "downsize")
    reasons.push(`saves ${usd(savings)}/month (${percent(savings / catalog.monthlyUsd(from))})`);
  if (action === "upsize")
    reasons.push(
      `${from.name} holds it with only ${percent(holdProbability(from, needs, policy))} confidence; costs ${usd(-savings)}/month more`,
    );
  return { action, to, confidence: holdProbability(to, needs, policy), monthlySavingsUsd: savings, reasons };
}
