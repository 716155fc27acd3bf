import { type Catalogs, loadCatalogs } from "../../src/scenario/load-scenario.js";
import { deviceRows } from "./device-rows.js";
import { hostRows } from "./host-rows.js";
import { networkRows } from "./network-rows.js";
import { queueingRows } from "./queueing-rows.js";
import type { ValidationRow } from "./validation-row.js";

export type { ValidationRow } from "./validation-row.js";

/** Every validation row of the twin, computed with replications seeded from `seed`. */
export async function validationRows(seed: number, catalogs: Catalogs = loadCatalogs()): Promise<ValidationRow[]> {
  return [
    ...queueingRows(seed),
    ...networkRows(seed),
    ...deviceRows(seed, catalogs),
    ...(await hostRows(seed, catalogs)),
  ];
}
