import { existsSync, readdirSync, rmdirSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { generateFleetFiles } from "../../../sim/fleet/fleet-files.js";
import { FleetWorkload } from "../../../sim/fleet/fleet-workload.js";
import { SHAPES } from "../../../sim/fleet/shapes.js";
import { CatalogError } from "../../catalog/catalog-error.js";
import { defaultCatalogPath, loadCatalog } from "../../catalog/catalog-loader.js";
import { checkOutputFolder, makeFolders, OutputPathError, someEntries } from "../../output-path.js";
import { processAlive } from "../../process-alive.js";
import { integerOption, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { MAX_HORIZON, parseDuration } from "../duration.js";
import { UsageError, UserError } from "../errors.js";
import type { CliIO } from "../io.js";

const USAGE = `Usage: twintune fleet generate --vms N --days D --seed S --out DIR [--horizon 7d] [--catalog FILE] [--json]

The twin's fleet workload: N VMs with mixed shapes (steady, diurnal, weekly, growing, spiky,
idle, memory-heavy), each on an instance type that is often too big and sometimes too small.
Writes DIR/trace.csv, what monitoring saw in the first D days (5-minute samples of CPU and
memory utilisation, capped at 100%, OOM kills flagged), and DIR/truth.json, the right type for
each VM over the following horizon, computed from the twin's true future demand, which the
right-sizer never sees. Score the right-sizer with 'twintune rightsize --compare'.
With the same seed, days and horizon, VM i is the same whatever the fleet's size.

Options:
  --vms N          number of VMs (1 to 100000)
  --days D         days of trace (whole days, 1 to 90)
  --seed S         seed (an integer or a word); the same seed gives the same files
  --out DIR        output folder: new (its parent must exist), empty, or one an earlier
                   'fleet generate' wrote (its trace.csv and truth.json are replaced)
  --horizon D      how far ahead the truth looks: 7d, 2w... (default 7d)
  --catalog FILE   instance catalog to draw types from (default: the shipped one)
  --json           print a JSON summary
  -h, --help       show this help
`;

const FLEET_FILES = ["trace.csv", "truth.json"];

/**
 * --out may be new, empty, or the folder of an earlier generation, whose two files this one
 * replaces; any other file there means a mistyped --out, and nothing is written.
 */
function checkFleetFolder(dir: string, shown: string): void {
  if (!existsSync(dir)) return;
  // Hidden temporaries of an interrupted write (.trace.csv.tmp-...) are ours too.
  const ours = (name: string) => FLEET_FILES.some((file) => name === file || name.startsWith(`.${file}.`));
  const others = readdirSync(dir).filter((name) => !ours(name));
  if (others.length > 0)
    throw new OutputPathError(
      `--out ${shown} holds other files (${someEntries(others, 3)}); give a new or empty folder, or one an earlier 'fleet generate' wrote`,
    );
}

/**
 * Removes the temporaries of an earlier generation that was killed mid-write (a trace's can be
 * gigabytes): `.trace.csv.tmp-PID-N` whose process PID is gone. A live writer's are left alone.
 */
function removeInterruptedWrites(dir: string): void {
  for (const name of readdirSync(dir)) {
    const match = /^\.(?:trace\.csv|truth\.json)\.tmp-(\d+)-\d+$/.exec(name);
    if (match === null || processAlive(Number(match[1]))) continue;
    rmSync(join(dir, name), { force: true });
  }
}

async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "generate")
    throw new UsageError(
      sub === undefined
        ? "twintune fleet needs a subcommand: generate"
        : `unknown fleet subcommand '${sub}' (expected generate)`,
    );
  const { values } = parseCommandArgs("fleet generate", rest, {
    vms: { type: "string" },
    days: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    horizon: { type: "string" },
    catalog: { type: "string" },
    json: { type: "boolean", default: false },
  });
  for (const flag of ["vms", "days", "seed", "out"] as const)
    if (values[flag] === undefined) throw new UsageError(`twintune fleet generate needs --${flag}`);
  const vms = integerOption("vms", values.vms, 0, 1);
  const days = integerOption("days", values.days, 0, 1);
  if (vms > 100_000) throw new UsageError(`--vms expects at most 100000, got ${vms}`);
  if (days > 90) throw new UsageError(`--days expects at most 90, got ${days}`);
  const seedText = (values.seed as string).trim();
  if (seedText === "") throw new UsageError("--seed expects an integer or a word");
  const seed = /^-?\d+$/.test(seedText) ? Number(seedText) : seedText;
  if (typeof seed === "number" && !Number.isSafeInteger(seed))
    throw new UsageError(`--seed expects an integer of at most 15 digits or a word, got '${seedText}'`);
  const horizonDays = parseDuration("horizon", values.horizon, 7 * 86_400, MAX_HORIZON) / 86_400;
  const outDir = resolve(io.cwd, values.out as string);
  checkOutputFolder(outDir, `--out ${values.out}`);
  checkFleetFolder(outDir, values.out as string);
  let catalog: ReturnType<typeof loadCatalog>;
  try {
    catalog = loadCatalog(values.catalog === undefined ? defaultCatalogPath() : resolve(io.cwd, values.catalog));
  } catch (error) {
    if (error instanceof CatalogError) throw new UserError(error.message);
    throw error;
  }
  // Made only once everything it depends on has loaded: a bad --catalog leaves no empty folder.
  const made = !existsSync(outDir);
  makeFolders(outDir);
  removeInterruptedWrites(outDir);
  const fleet = new FleetWorkload({ seed, vms, catalog, maxDays: Math.max(28, days + horizonDays) });
  const shapes = new Map<string, number>(SHAPES.map((shape) => [shape, 0]));
  let interruptible = 0;
  const progress = io.stderr.isTTY === true && !values.json;
  // Ctrl-C or a TERM stops between VMs: the half-written trace (gigabytes at 100,000 VMs) is
  // removed, an earlier generation in the folder is left whole, and a folder made for this one goes.
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    stoppedBy = signal;
    controller.abort();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let result: Awaited<ReturnType<typeof generateFleetFiles>>;
  try {
    result = await generateFleetFiles({
      fleet,
      seed,
      traceDays: days,
      horizonDays,
      outDir,
      signal: controller.signal,
      onVm: (spec, done, total) => {
        shapes.set(spec.shape, (shapes.get(spec.shape) ?? 0) + 1);
        if (spec.tags.includes("interruptible")) interruptible++;
        if (progress && (done % 100 === 0 || done === total)) io.stderr.write(`\rgenerating: ${done}/${total} VMs`);
      },
    });
  } catch (error) {
    if (stoppedBy === undefined) throw error;
    if (made && readdirSync(outDir).length === 0) rmdirSync(outDir);
    io.stderr.write(`${progress ? "\n" : ""}twintune: ${stoppedBy}: stopped; nothing was written\n`);
    return stoppedBy === "SIGINT" ? 130 : 143;
  } finally {
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
  }
  if (progress) io.stderr.write("\n");
  const bytes = statSync(result.tracePath).size;
  const show = (path: string) => relative(io.cwd, path) || path;
  if (values.json) {
    const summary = {
      trace: show(result.tracePath),
      truth: show(result.truthPath),
      vms,
      days,
      horizonDays,
      seed,
      rows: result.rows,
      bytes,
      shapes: Object.fromEntries(shapes),
      interruptible,
    };
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(
    `wrote ${show(result.tracePath)}: ${vms} VMs × ${days} days at 5-minute steps, ${result.rows.toLocaleString("en-US")} rows (${(bytes / 1e6).toFixed(1)} MB)\n` +
      `wrote ${show(result.truthPath)}: the right type per VM for the following ${horizonDays} days (balanced policy, from the true demand)\n` +
      `shapes: ${[...shapes].map(([shape, count]) => `${shape} ${count}`).join(", ")}; ${interruptible} tagged interruptible\n`,
  );
  return 0;
}

export const fleetCommand: Command = { usage: USAGE, run };
