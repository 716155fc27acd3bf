import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { describeValue } from "../catalog/zod-issue-text.js";
import { formatKeyPath } from "../config/config-error.js";
import { aliasProblem } from "../config/yaml-aliases.js";
import { lineOf, valueAt } from "../document-location.js";
import type { TruthRecord } from "../tuners/rightsize/truth-compare.js";
import { TraceError } from "./trace-error.js";

const truthSchema = z.object({
  /** The days trace.csv covers, and its sample step: what the truth's forecast starts after. */
  traceDays: z.number().positive().optional(),
  stepSeconds: z.number().positive().optional(),
  horizonDays: z.number().positive(),
  policy: z.string().min(1),
  truth: z.array(
    z.object({
      vm: z.string().min(1),
      from: z.string().min(1),
      type: z.string().min(1).nullable(),
      idle: z.boolean(),
      p95CpuCores: z.number().min(0),
      peakMemGiB: z.number().min(0),
    }),
  ),
});

export interface TruthFile {
  traceDays?: number | undefined;
  stepSeconds?: number | undefined;
  horizonDays: number;
  policy: string;
  truth: TruthRecord[];
}

/** Reads a truth.json written by `twintune fleet generate`; problems name the file, line and key. */
export function loadTruthFile(path: string): TruthFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new TraceError(
      path,
      0,
      undefined,
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "cannot read it",
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const syntax = doc.errors[0];
  if (syntax !== undefined) throw new TraceError(path, syntax.linePos?.[0].line ?? 1, undefined, "not valid JSON");
  const alias = aliasProblem(doc);
  if (alias !== undefined) throw new TraceError(path, lines.linePos(alias.offset).line, undefined, alias.message);
  const data: unknown = doc.toJS();
  const parsed = truthSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const { value, present } = valueAt(data, issue.path);
    const where = formatKeyPath(issue.path);
    throw new TraceError(
      path,
      lineOf(doc, lines, issue.path) ?? 1,
      undefined,
      `${where}: ${issue.message.replace(/^Invalid input: /, "")}${present ? `, got ${describeValue(value)}` : ""} (expected the truth.json of 'twintune fleet generate')`,
    );
  }
  return parsed.data;
}
