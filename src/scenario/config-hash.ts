import { fnv1aHex } from "../math/fnv.js";
import type { Scenario } from "./scenario-schema.js";

/** The hash of a validated scenario (every value, defaults filled in): what a result's configHash is. */
export function configHash(scenario: Scenario): string {
  return fnv1aHex(JSON.stringify(scenario));
}
