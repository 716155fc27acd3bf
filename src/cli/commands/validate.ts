import { type ValidationRow, validationRows } from "../../../sim/validation/index.js";
import { signedPercent } from "../../number-text.js";
import { integerOption, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { significant } from "../format.js";
import type { CliIO } from "../io.js";
import { renderTable } from "../table.js";

const USAGE = `Usage: twintune validate [--seed N] [--json]

Runs every model of the twin against its closed form or published reference figure and prints
one row per case: the simulated value (with its 95% confidence half-width where it is a
statistical estimate), the reference, the relative error, the tolerance and whether it passed.
Read it to decide how far to trust the twin. Exits 1 if any row fails.

Options:
  --seed N   base seed of the replications (default 1); the same seed gives the same table
  --json     print {"seed", "passed", "rows": [...]} instead of the table
  -h, --help show this help
`;

function referenceText(row: ValidationRow): string {
  if (typeof row.reference === "number") return significant(row.reference);
  if (row.reference.high === Number.POSITIVE_INFINITY) return `≥ ${significant(row.reference.low)}`;
  if (row.reference.low === Number.NEGATIVE_INFINITY || row.reference.low <= -1)
    return `≤ ${significant(row.reference.high)}`;
  return `${significant(row.reference.low)}–${significant(row.reference.high)}`;
}

function renderRows(rows: readonly ValidationRow[]): string {
  return renderTable(
    ["model", "case", "simulated", "reference", "unit", "error", "tolerance", "result", "source"],
    rows.map((row) => [
      row.model,
      row.case,
      row.halfWidth === undefined
        ? significant(row.simulated)
        : `${significant(row.simulated)} ±${significant(row.halfWidth, 2)}`,
      referenceText(row),
      row.unit,
      signedPercent(row.relativeError),
      typeof row.reference === "number" ? `±${significant(row.tolerance * 100, 2)}%` : "in range",
      row.pass ? "pass" : "FAIL",
      row.source,
    ]),
  );
}

async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs("validate", args, {
    seed: { type: "string" },
    json: { type: "boolean", default: false },
  });
  const seed = integerOption("seed", values.seed, 1, 0);
  if (io.stderr.isTTY && !values.json) io.stderr.write("validating the twin's models (a few seconds)...\n");
  const rows = await validationRows(seed);
  const passed = rows.every((row) => row.pass);
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ seed, passed, rows }, null, 2)}\n`);
  } else {
    io.stdout.write(renderRows(rows));
    const failed = rows.filter((row) => !row.pass).length;
    io.stdout.write(`\n${rows.length - failed} of ${rows.length} rows pass (seed ${seed}).\n`);
  }
  return passed ? 0 : 1;
}

export const validateCommand: Command = { usage: USAGE, run };
