import { queueingRows } from "./queueing-rows.js";
import type { ValidationRow } from "./validation-row.js";

export type { ValidationRow } from "./validation-row.js";

/** Every validation row of the twin, computed with replications seeded from `seed`. */
export function validationRows(seed: number): ValidationRow[] {
  return [...queueingRows(seed)];
}
