import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { InstanceCatalog } from "../catalog/instance-catalog.js";
import { lineOf } from "../document-location.js";
import { TraceError } from "../trace/trace-error.js";
import { loadTruthFile, type TruthFile } from "../trace/truth-file.js";
import { BASELINES, typeForRequest } from "../tuners/rightsize/baselines/index.js";
import { policyByName } from "../tuners/rightsize/policy.js";
import type { Recommendation } from "../tuners/rightsize/recommendation.js";
import type { RightSizer } from "../tuners/rightsize/right-sizer.js";
import { type CompareRow, type Pick, scoreAgainstTruth } from "../tuners/rightsize/truth-compare.js";
import { UserError } from "./errors.js";
import { clipQuoted, requireTextFile } from "./input-text.js";
import type { CliIO } from "./io.js";
import { share, usd } from "./money.js";
import { traceErrorText } from "./sizing-inputs.js";
import { renderTable } from "./table.js";

export interface CompareReport {
  vms: number;
  policy: string;
  horizonDays: number;
  /** VMs in the truth that the trace lacks (not scored). */
  missing: number;
  rows: CompareRow[];
}

/** Scores our recommendations and each baseline's against truth.json, on the VMs both files name. */
export function compareWithTruth(
  io: CliIO,
  truthPath: string,
  sizer: RightSizer,
  recommendations: readonly Recommendation[],
): CompareReport {
  const path = resolve(io.cwd, truthPath);
  const expected = "the truth.json of 'twintune fleet generate'";
  let truthFile: TruthFile;
  try {
    requireTextFile(path, truthPath, expected);
    truthFile = loadTruthFile(path);
  } catch (error) {
    if (error instanceof TraceError) throw new UserError(clipQuoted(traceErrorText(error, truthPath)));
    throw error;
  }
  requireKnownTypes(truthFile, path, truthPath, sizer.catalog);
  const policy = policyByName(truthFile.policy);
  if (policy === undefined) throw new UserError(`${truthPath}: unknown policy '${truthFile.policy}'`);
  const truth = truthFile.truth.filter((record) => sizer.history(record.vm) !== undefined);
  if (truth.length === 0) throw new UserError(`${truthPath} and the trace share no VM`);
  requireSameFleet(truth, truthPath, sizer);
  requireSamePeriod(truthFile, truth, truthPath, sizer);
  const ours = new Map<string, Pick>(
    recommendations.map((rec) => [rec.vm, { type: rec.to, terminate: rec.action === "terminate" }]),
  );
  const rows = [scoreAgainstTruth(`twintune (${sizer.config.policy.name})`, ours, truth, sizer.catalog, policy)];
  for (const baseline of BASELINES) {
    const picks = new Map<string, Pick>();
    for (const record of truth) {
      const history = sizer.history(record.vm);
      if (history === undefined) continue;
      const type = typeForRequest(sizer.catalog, baseline.request(history, sizer.config.lookbackSeconds), history.type);
      picks.set(record.vm, { type: type.name, terminate: false });
    }
    rows.push(scoreAgainstTruth(baseline.name, picks, truth, sizer.catalog, policy));
  }
  return {
    vms: truth.length,
    policy: policy.name,
    horizonDays: truthFile.horizonDays,
    missing: truthFile.truth.length - truth.length,
    rows,
  };
}

/**
 * The truth must be of this trace's fleet: a VM's current type in the truth is the type it runs
 * on in the trace. Another seed's truth names the same VM ids with other types, and scoring
 * against it would print tables that mean nothing.
 */
function requireSameFleet(truth: readonly TruthFile["truth"][number][], shown: string, sizer: RightSizer): void {
  const differ = truth.filter((record) => sizer.history(record.vm)?.type.name !== record.from);
  const first = differ[0];
  if (first === undefined) return;
  throw new UserError(
    `${shown} is not the truth of this trace: ${first.vm} runs ${sizer.history(first.vm)?.type.name} in the trace but ${first.from} in the truth (${differ.length} of ${truth.length} shared VMs differ); use the truth.json written with the trace by the same 'twintune fleet generate'`,
  );
}

/**
 * The truth must be of this trace's period: its right types are for the days after the trace
 * ends. A truth written with a longer or shorter trace forecasts another span, and scoring
 * against it would look right and mean nothing. (Truth files without traceDays are taken as
 * they are.)
 */
function requireSamePeriod(
  truthFile: TruthFile,
  truth: readonly TruthFile["truth"][number][],
  shown: string,
  sizer: RightSizer,
): void {
  const { traceDays, stepSeconds = 3600 } = truthFile;
  if (traceDays === undefined) return;
  let spanSeconds = 0;
  for (const record of truth) {
    const history = sizer.history(record.vm);
    if (history !== undefined) spanSeconds = Math.max(spanSeconds, history.lastTime - history.firstTime + stepSeconds);
  }
  if (Math.abs(spanSeconds - traceDays * 86_400) <= stepSeconds) return;
  throw new UserError(
    `${shown} is the truth of a ${traceDays}-day trace, but this trace covers ${Number((spanSeconds / 86_400).toFixed(2))} days: its right types are for the ${truthFile.horizonDays} days after another period; use the truth.json written with the trace by the same 'twintune fleet generate'`,
  );
}

/** Every type the truth names (a VM's current type, the right type) must be in the catalog. */
function requireKnownTypes(truthFile: TruthFile, path: string, shown: string, catalog: InstanceCatalog): void {
  for (const [index, record] of truthFile.truth.entries()) {
    for (const key of ["from", "type"] as const) {
      const name = record[key];
      if (name === null || catalog.get(name) !== undefined) continue;
      const lines = new LineCounter();
      const doc = parseDocument(readFileSync(path, "utf8"), { lineCounter: lines });
      const line = lineOf(doc, lines, ["truth", index, key]);
      const near = catalog.closeNames(name);
      const names = catalog.types.map((type) => type.name);
      const known =
        near.length > 0
          ? `did you mean ${near.join(" or ")}?`
          : `known types: ${names.slice(0, 12).join(", ")}${names.length > 12 ? `, and ${names.length - 12} more` : ""}`;
      throw new UserError(
        clipQuoted(
          `${shown}${line === undefined ? "" : `:${line}`}: truth[${index}].${key}: unknown instance type '${name}', not in the catalog (${known})`,
        ),
      );
    }
  }
}

export function renderCompare(report: CompareReport): string {
  const table = renderTable(
    ["method", "accuracy", "under-provisioned", "saturated", "over-provisioned", "monthly cost", "savings"],
    report.rows.map((row) => [
      row.method,
      share(row.accuracy),
      share(row.underProvisioned),
      share(row.saturated),
      share(row.overProvisioned),
      usd(row.monthlyUsd),
      `${row.savingsPercent.toFixed(1)}%`,
    ]),
  );
  const policy = policyByName(report.policy);
  const pct = (q: number) => `${Math.round(q * 100)}%`;
  const rule =
    policy === undefined
      ? `the ${report.policy} policy's targets`
      : `${policy.cpuQuantile >= 1 ? "peak" : `P${Math.round(policy.cpuQuantile * 1000) / 10}`} CPU at most ${pct(policy.cpuTarget)} of its vCPUs and ${policy.memQuantile >= 1 ? "peak" : `P${Math.round(policy.memQuantile * 1000) / 10}`} memory at most ${pct(policy.memTarget)} of its memory (${report.policy} policy)`;
  return [
    `${report.vms} VMs scored against the truth: for each, the cheapest type on which the true demand of the next ${report.horizonDays} days keeps ${rule}.${report.missing > 0 ? ` ${report.missing} VMs of the truth are not in the trace.` : ""}`,
    "",
    table.trimEnd(),
    "",
    "accuracy: picked the truth's type (or terminate for a VM idle over the horizon).",
    "under-provisioned: the type breaks the targets on the true future demand (or a busy VM was terminated).",
    "saturated: worse, the true P95 CPU exceeds the vCPUs or the true memory peak exceeds the memory (OOM).",
    "over-provisioned: a pricier type than needed. Costs are on-demand, terminated VMs at $0.",
    "",
  ].join("\n");
}
