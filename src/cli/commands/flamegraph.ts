import { basename, extname, resolve } from "node:path";
import { writeFilesTogether } from "../../atomic-file.js";
import { annotateBefore, functionChanges } from "../../flamegraph/diff.js";
import { DRAWN_WIDTH, drawThreshold } from "../../flamegraph/frame-layout.js";
import { formatWeight } from "../../flamegraph/frame-text.js";
import { buildFrameTree } from "../../flamegraph/frame-tree.js";
import { renderHtml } from "../../flamegraph/html-renderer.js";
import { flameJsonText } from "../../flamegraph/json-renderer.js";
import { totalWeight } from "../../flamegraph/stack-profile.js";
import { renderSvg } from "../../flamegraph/svg-renderer.js";
import { checkOutputFiles } from "../../output-path.js";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import type { CliIO } from "../io.js";
import { formatOption, numberOption, readProfileArgument } from "../profile-input.js";
import { renderTable } from "../table.js";

const USAGE = `Usage: twintune flamegraph INPUT [-o OUT.svg] [--html OUT.html] [--diff BEFORE] [--min-width PX]
                           [--title TEXT] [--format FORMAT] [--json]

Draws a flame graph of a profile: folded stacks, pprof (.pb.gz), a V8 .cpuprofile or 'perf script'
output (detected from the content). The SVG follows flamegraph.pl: frames merged per level in
alphabetical order, width proportional to samples, frames narrower than --min-width pruned,
name and counts on hover. --html writes a self-contained interactive page (click to zoom,
search with the matched share, reset). With --diff the graph is differential: width from INPUT
(the after profile), colour from the change of each frame's own share since BEFORE (red more,
blue less), and the functions whose share changed most are listed.

Options:
  -o, --output OUT.svg  write the SVG here (default: INPUT's name with .svg, in this folder,
                        unless only --html or --json is given)
  --html OUT.html       also write the interactive HTML page
  --diff BEFORE         compare with the BEFORE profile (INPUT is after)
  --min-width PX        prune frames narrower than PX pixels (default 0.1)
  --title TEXT          the graph's title
  --format FORMAT       folded, pprof, cpuprofile or perf-script (default: detected)
  --json                print {input, format, unit, total, drawn, pruned, tree} (and changes with
                        --diff); tree is d3-flame-graph's {name, value, children}
  -h, --help            show this help

Examples:
  twintune flamegraph cpu.folded -o cpu.svg --html cpu.html
  twintune flamegraph after.pb.gz --diff before.pb.gz -o diff.svg
`;

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    "flamegraph",
    args,
    {
      output: { type: "string", short: "o" },
      html: { type: "string" },
      diff: { type: "string" },
      "min-width": { type: "string" },
      title: { type: "string" },
      format: { type: "string" },
      json: { type: "boolean", default: false },
    },
    { min: 1, max: 1 },
  );
  const input = positionals[0] as string;
  // A frame is at most as wide as the drawing: a larger minimum would prune everything.
  const minWidth = numberOption("min-width", values["min-width"], 0.1, { min: 0, max: DRAWN_WIDTH });
  const format = formatOption(values.format);
  const stem = `${values.diff === undefined ? "" : "diff-"}${basename(input, extname(input)).replace(/\.(pb|us|bytes)$/, "")}`;
  const svgPath = values.output ?? (values.html === undefined && !values.json ? `${stem}.svg` : undefined);
  const outputs = [svgPath, values.html].filter((path) => path !== undefined);
  checkOutputFiles(
    io.cwd,
    [
      ...(svgPath === undefined ? [] : [{ flag: values.output === undefined ? "the SVG" : "-o", path: svgPath }]),
      ...(values.html === undefined ? [] : [{ flag: "--html", path: values.html }]),
    ],
    [
      { flag: "the input", path: input },
      ...(values.diff === undefined ? [] : [{ flag: "the --diff profile", path: values.diff }]),
    ],
  );
  const after = await readProfileArgument(io, input, format);
  const before = values.diff === undefined ? undefined : await readProfileArgument(io, values.diff, format);
  // Only frames wide enough to draw are built, unless the whole tree is asked for as JSON.
  const minWeight = values.json ? 0 : drawThreshold(totalWeight(after.profile), minWidth);
  const tree = buildFrameTree(after.profile, { minWeight });
  if (before !== undefined) annotateBefore(tree, buildFrameTree(before.profile));
  const options = {
    title: values.title ?? `${before === undefined ? "Flame Graph" : "Differential Flame Graph"}: ${basename(input)}`,
    unit: after.profile.unit,
    minWidth,
    ...(before === undefined ? {} : { diffBeforeTotal: totalWeight(before.profile) }),
  };
  const rendered = renderSvg(tree, options);
  writeFilesTogether([
    ...(svgPath === undefined ? [] : [{ path: resolve(io.cwd, svgPath), data: rendered.svg }]),
    ...(values.html === undefined ? [] : [{ path: resolve(io.cwd, values.html), data: renderHtml(tree, options) }]),
  ]);
  const changes = before === undefined ? undefined : functionChanges(before.profile, after.profile);
  if (values.json) {
    const report = {
      input,
      format: after.format,
      unit: after.profile.unit,
      total: tree.total,
      ...(svgPath === undefined ? {} : { svgPath }),
      ...(values.html === undefined ? {} : { htmlPath: values.html }),
      drawn: rendered.drawn,
      pruned: rendered.pruned,
      ...(changes === undefined ? {} : { changes }),
    };
    // The tree last, written without recursion (a deep stack would overflow JSON.stringify).
    io.stdout.write(`${JSON.stringify(report).slice(0, -1)},"tree":${flameJsonText(tree)}}\n`);
    return 0;
  }
  const written = outputs.join(" and ");
  io.stdout.write(
    `wrote ${written}: ${formatWeight(tree.total)} ${after.profile.unit} (${after.format}), ${rendered.drawn} frames drawn, ${rendered.pruned} narrower than ${minWidth} px pruned\n`,
  );
  if (changes !== undefined && changes.length === 0) io.stdout.write("no function's self share changed\n");
  else if (changes !== undefined) {
    io.stdout.write(`\nlargest changes in self share (of ${changes.length}):\n`);
    io.stdout.write(
      renderTable(
        ["function", "before", "after", "change"],
        changes
          .slice(0, 10)
          .map((change) => [
            change.functionName,
            `${change.beforePercent.toFixed(2)}%`,
            `${change.afterPercent.toFixed(2)}%`,
            `${change.changePercent >= 0 ? "+" : ""}${change.changePercent.toFixed(2)} pts`,
          ]),
      ),
    );
  }
  return 0;
}

export const flamegraphCommand: Command = { usage: USAGE, run };
