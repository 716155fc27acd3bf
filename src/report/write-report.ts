import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkOutputFolder } from "../output-path.js";
import { checkReplaceable, replaceFolder } from "./atomic-files.js";
import { componentChart } from "./component-chart.js";
import { costChart } from "./cost-chart.js";
import { improvementChart } from "./improvement-chart.js";
import { latencyChart } from "./latency-chart.js";
import { CHART_FILES, type ReportContext, reportMarkdown } from "./report-markdown.js";
import type { RunResult } from "./run-result.js";

/** results.json: the run's identity first (what reproduces it), then the whole result. */
export function resultsJson(result: RunResult, context: ReportContext): string {
  const document = {
    generator: "twintune",
    kind: "run-report",
    scenario: result.scenario,
    file: context.file,
    seed: result.seed,
    configHash: result.configHash,
    modelVersion: result.modelVersion,
    traceHash: result.traceHash,
    command: context.command,
    result,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Every file of a report folder, by name: a pure function of the result. */
export function reportFiles(result: RunResult, context: ReportContext): Record<string, string> {
  return {
    "report.md": reportMarkdown(result, context),
    "results.json": resultsJson(result, context),
    [CHART_FILES.improvement]: improvementChart(result),
    [CHART_FILES.latency]: latencyChart(result),
    [CHART_FILES.cost]: costChart(result),
    [CHART_FILES.components]: componentChart(result),
  };
}

/** The names of a report folder's files (reportFiles' keys). */
export const REPORT_FILE_NAMES: readonly string[] = ["report.md", "results.json", ...Object.values(CHART_FILES)];

/** Whether `dir` holds a report twintune wrote (so it may be replaced). */
export function isTwintuneReport(dir: string): boolean {
  const path = join(dir, "results.json");
  if (!existsSync(path)) return false;
  try {
    return JSON.parse(readFileSync(path, "utf8")).generator === "twintune";
  } catch {
    return false;
  }
}

/** Fails at once (OutputFolderError, OutputPathError) when a report could not be written to `dir`. */
export function checkReportFolder(dir: string, shown = dir): void {
  checkReplaceable(dir, isTwintuneReport, shown, REPORT_FILE_NAMES);
  checkOutputFolder(dir, shown);
}

/**
 * Writes the report folder, replacing an earlier twintune report there file by file (a folder
 * holding anything else is refused); returns the file names.
 */
export function writeReport(dir: string, result: RunResult, context: ReportContext): string[] {
  const files = reportFiles(result, context);
  replaceFolder(dir, files, isTwintuneReport);
  return Object.keys(files);
}
