import { resolve } from "node:path";
import { CatalogError } from "../catalog/catalog-error.js";
import { defaultCatalogPath, loadCatalog } from "../catalog/catalog-loader.js";
import type { InstanceCatalog } from "../catalog/instance-catalog.js";
import { fsErrorCode, fsReason } from "../output-path.js";
import { TraceError } from "../trace/trace-error.js";
import { readTrace, type TraceSummary } from "../trace/trace-reader.js";
import { POLICY_NAMES, policyByName } from "../tuners/rightsize/policy.js";
import { RightSizer } from "../tuners/rightsize/right-sizer.js";
import { MAX_HORIZON, parseDuration } from "./duration.js";
import { UsageError, UserError } from "./errors.js";
import { clipQuoted, requireTextFile } from "./input-text.js";
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
  const horizonSeconds = parseDuration("horizon", options.horizon, 7 * 86_400, MAX_HORIZON);
  let catalog: InstanceCatalog;
  const catalogPath = options.catalog === undefined ? defaultCatalogPath() : resolve(io.cwd, options.catalog);
  // Paths in messages as the user typed them (the shipped catalog by its full path).
  const typed = (message: string) =>
    options.catalog === undefined ? message : message.split(catalogPath).join(options.catalog);
  try {
    if (options.catalog !== undefined)
      requireTextFile(catalogPath, options.catalog, "an instance catalog (YAML or JSON)");
    catalog = loadCatalog(catalogPath);
  } catch (error) {
    if (error instanceof CatalogError) throw new UserError(clipQuoted(typed(error.message)));
    throw error;
  }
  const sizer = new RightSizer(catalog, { policy: policy.name, horizonSeconds });
  let trace: TraceSummary;
  const tracePath = resolve(io.cwd, options.trace);
  try {
    requireTextFile(tracePath, options.trace, "a trace CSV", { allowEmpty: true });
    trace = readTrace(tracePath, {
      catalog,
      name: options.trace,
      skipBadRows: options.skipBadRows,
      onRow: (vm, sample, type) => sizer.observe(vm, sample, type),
    });
  } catch (error) {
    if (error instanceof TraceError) throw new UserError(clipQuoted(typed(traceErrorText(error, options.trace))));
    if (fsErrorCode(error) !== undefined) throw new UserError(`${options.trace}: cannot read it: ${fsReason(error)}`);
    throw error;
  }
  if (trace.skipped > 0) {
    io.stderr.write(`twintune: skipped ${trace.skipped} malformed row${trace.skipped === 1 ? "" : "s"}; the first:\n`);
    for (const example of trace.skippedExamples) io.stderr.write(`  ${clipQuoted(typed(example))}\n`);
  }
  if (trace.rows === 0) throw new UserError(`${options.trace}: no usable rows`);
  return { catalog, sizer, trace };
}

/**
 * A TraceError's message with the file named as the user typed it, and without a line number
 * when the problem is the whole file (line 0: missing, a directory, unreadable).
 */
export function traceErrorText(error: TraceError, shown: string): string {
  const prefix = `${error.file}:${error.line}: `;
  let detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  // A problem with the document itself has an empty key path: "": expected object..." reads as ": expected".
  if (detail.startsWith(": ")) detail = detail.slice(2);
  return `${shown}${error.line > 0 ? `:${error.line}` : ""}: ${detail}`;
}
