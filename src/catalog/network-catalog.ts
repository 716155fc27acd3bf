import { join } from "node:path";
import { z } from "zod";
import { loadYaml } from "../config/load-yaml.js";
import { packageRoot } from "../package-root.js";

export const PathSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "expected a lower-case name of letters, digits, '.' and '-'"),
  description: z.string(),
  bandwidthMbps: z.number().positive(),
  rttMs: z.number().positive(),
  lossRate: z.number().min(0).max(0.5),
  source: z.string(),
});

export type PathSpec = z.output<typeof PathSpecSchema>;

export const NetworkCatalogSchema = z.strictObject({ paths: z.array(PathSpecSchema).min(1) });

export function loadNetworkCatalog(file = join(packageRoot(), "models", "networks.yaml")): PathSpec[] {
  return loadYaml(file, NetworkCatalogSchema).paths;
}
