import { formatWeight } from "../../flamegraph/frame-text.js";
import { findHotspots } from "../../flamegraph/hotspots.js";
import { totalWeight } from "../../flamegraph/stack-profile.js";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import type { CliIO } from "../io.js";
import { formatOption, numberOption, readProfileArgument } from "../profile-input.js";
import { renderTable } from "../table.js";

const USAGE = `Usage: twintune hotspots INPUT [--threshold 0.05] [--format FORMAT] [--json]

Lists the functions whose self time (samples with the function at the top of the stack, summed
over every call path, as pprof's flat column) is at least --threshold of the whole profile,
largest first, with their inclusive share beside. INPUT is folded stacks, pprof, a V8
.cpuprofile or 'perf script' output.

Options:
  --threshold F    the smallest self share to list, a fraction (default 0.05 = 5%)
  --format FORMAT  folded, pprof, cpuprofile or perf-script (default: detected)
  --json           print {"input", "format", "unit", "total", "threshold", "hotspots": [...]}
  -h, --help       show this help

Example:
  twintune hotspots cpu.pb.gz --threshold 0.02
`;

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    "hotspots",
    args,
    { threshold: { type: "string" }, format: { type: "string" }, json: { type: "boolean", default: false } },
    { min: 1, max: 1 },
  );
  const input = positionals[0] as string;
  const threshold = numberOption("threshold", values.threshold, 0.05, { min: 0, max: 1 });
  const { profile, format } = await readProfileArgument(io, input, formatOption(values.format));
  const hotspots = findHotspots(profile, threshold);
  const total = totalWeight(profile);
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ input, format, unit: profile.unit, total, threshold, hotspots }, null, 2)}\n`);
    return 0;
  }
  if (hotspots.length === 0) {
    io.stdout.write(
      `no function has ${(threshold * 100).toFixed(2)}% or more of the ${formatWeight(total)} ${profile.unit} as self time\n`,
    );
    return 0;
  }
  // Time weights read better as milliseconds.
  const scale = profile.unit === "nanoseconds" ? 1e6 : profile.unit === "microseconds" ? 1e3 : 1;
  const unit = scale === 1 ? profile.unit : "ms";
  // Milliseconds to one fixed precision, so a column's decimals line up.
  const weight = (value: number) =>
    scale === 1
      ? formatWeight(value)
      : value.toLocaleString("en-US", { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  io.stdout.write(
    renderTable(
      ["function", "self", `self ${unit}`, "total", `total ${unit}`],
      hotspots.map((hotspot) => [
        hotspot.functionName,
        `${(hotspot.percentage * 100).toFixed(2)}%`,
        weight(hotspot.samples / scale),
        `${(hotspot.totalPercentage * 100).toFixed(2)}%`,
        weight(hotspot.totalSamples / scale),
      ]),
    ),
  );
  io.stdout.write(
    `\n${hotspots.length} functions at ${(threshold * 100).toFixed(2)}% self or more, of ${formatWeight(total)} ${profile.unit} (${format}).\n`,
  );
  return 0;
}

export const hotspotsCommand: Command = { usage: USAGE, run };
