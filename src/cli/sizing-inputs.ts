import { resolve } from "node:path";
import { CatalogError } from "../catalog/catalog-error.js";
import { defaultCatalogPath, loadCatalog } from "../catalog/catalog-loader.js";
import type { InstanceCatalog } from "../catalog/instance-catalog.js";
import { TraceError } from "../trace/trace-error.js";
import { readTrace, type TraceSummary } from "../trace/trace-reader.js";
import { POLICY_NAMES, policyByName } from "../tuners/rightsize/policy.js";
import { RightSizer } from "../tuners/rightsize/right-sizer.js";
import { parseDuration } from "./duration.js";
import { UsageError, UserError } from "./errors.js";
import type { CliIO } from "./io.js";

/** The flags `rightsize` and `cost` share. */
export const SIZING_OPTIONS = {
  catalog: { type: "string" },
  policy: { type: "string" },
  horizon: { type: "string" },
  "skip-bad-rows": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
} as const;

export const SIZING_HELP = `  --catalog FILE    instance catalog, YAML or JSON (default: the shipped models/instances.yaml)
  --policy NAME     ${POLICY_NAMES.join(", ")} (default balanced)
  --horizon D       how far ahead the type must hold: 7d, 36h, 2w... (default 7d)
  --skip-bad-rows   skip malformed trace rows and count them, instead of stopping at the first
  --json            print JSON instead of tables`;

export interface SizingInputs {
  catalog: InstanceCatalog;
  sizer: RightSizer;
  trace: TraceSummary;
}

/** Loads the catalog, reads the trace into a right-sizer; user mistakes become UserError / UsageError. */
export function loadSizingInputs(
  io: CliIO,
  command: string,
  options: {
    trace: string;
    catalog?: string | undefined;
    policy?: string | undefined;
    horizon?: string | undefined;
    skipBadRows: boolean;
  },
): SizingInputs {
  const policy = policyByName(options.policy ?? "balanced");
  if (policy === undefined)
    throw new UsageError(
      `--policy expects one of ${POLICY_NAMES.join(", ")}, got '${options.policy}'`,
      `Run 'twintune ${command} --help' for its options.`,
    );
  const horizonSeconds = parseDuration("horizon", options.horizon, 7 * 86_400);
  let catalog: InstanceCatalog;
  try {
    catalog = loadCatalog(options.catalog === undefined ? defaultCatalogPath() : resolve(io.cwd, options.catalog));
  } catch (error) {
    if (error instanceof CatalogError) throw new UserError(error.message);
    throw error;
  }
  const sizer = new RightSizer(catalog, { policy: policy.name, horizonSeconds });
  let trace: TraceSummary;
  try {
    trace = readTrace(resolve(io.cwd, options.trace), {
      catalog,
      name: options.trace,
      skipBadRows: options.skipBadRows,
      onRow: (vm, sample, type) => sizer.observe(vm, sample, type),
    });
  } catch (error) {
    if (error instanceof TraceError) throw new UserError(error.message);
    throw error;
  }
  if (trace.skipped > 0) {
    io.stderr.write(`twintune: skipped ${trace.skipped} malformed row${trace.skipped === 1 ? "" : "s"}; the first:\n`);
    for (const example of trace.skippedExamples) io.stderr.write(`  ${example}\n`);
  }
  if (trace.rows === 0) throw new UserError(`${options.trace}: no usable rows`);
  return { catalog, sizer, trace };
}
