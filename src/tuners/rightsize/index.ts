// The right-sizing engine's public face.
export { type RightSizerConfig, type RightSizerOptions, resolveConfig } from "./config.js";
export { type DemandForecast, forecastDemand, type ResourceForecast } from "./demand-forecast.js";
export { looksIdle } from "./idle.js";
export { POLICY_NAMES, type PolicyName, policy, policyByName, type SizingPolicy } from "./policy.js";
export type { Action, Recommendation } from "./recommendation.js";
export { RightSizer } from "./right-sizer.js";
export { cheapestHolding, chooseType, holdProbability, type Needs } from "./type-choice.js";
export { type UsageSample, VmHistory } from "./vm-history.js";
