import { z } from "zod";
import { ScenarioSchema } from "./scenario-schema.js";

/**
 * The scenario format as JSON Schema (draft 2020-12), generated from the zod schema so editors
 * can complete and check scenario files: `# yaml-language-server: $schema=scenario.schema.json`.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...schema, title: "twintune scenario", description: "A what-if scenario for the twintune digital twin." };
}
