import { statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { writeFilesTogether } from "../../atomic-file.js";
import { formatFolded } from "../../flamegraph/folded-writer.js";
import { drawThreshold } from "../../flamegraph/frame-layout.js";
import { formatWeight } from "../../flamegraph/frame-text.js";
import { buildFrameTree } from "../../flamegraph/frame-tree.js";
import { findHotspots } from "../../flamegraph/hotspots.js";
import { renderHtml } from "../../flamegraph/html-renderer.js";
import { type StackProfile, totalWeight } from "../../flamegraph/stack-profile.js";
import { renderSvg } from "../../flamegraph/svg-renderer.js";
import { checkOutputFiles } from "../../output-path.js";
import { exportCpuProfile } from "../../profiler/cpu-profile-export.js";
import { isNodeCommand, profileNodeProgram } from "../../profiler/node-program.js";
import { recordWithPerf } from "../../profiler/perf-record.js";
import { type PassThrough, ToolError } from "../../profiler/run-process.js";
import { stacksToPprof } from "../../profiler/stacks-pprof.js";
import { canRun } from "../../program-path.js";
import { integerOption, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { UsageError, UserError } from "../errors.js";
import type { CliIO } from "../io.js";
import { numberOption } from "../profile-input.js";

/** File names that promise another format than folded text, the format each is, and the flag that writes it. */
const OTHER_FORMATS: [string, string, string][] = [
  [".svg", "an SVG", "--svg"],
  [".html", "HTML", "--html"],
  [".htm", "HTML", "--html"],
  [".pb.gz", "pprof", "--pprof"],
  [".pprof", "pprof", "--pprof"],
];

const USAGE = `Usage: twintune profile --pid PID [--duration S] [options]
       twintune profile [options] -- COMMAND [ARGS...]

Profiles another program's CPU and writes folded stacks (and, if asked, pprof and flame graphs).
  --pid PID             attach Linux perf to a running process for --duration seconds
                        (perf record -F 99 -g, then perf script). Node programs need
                        --perf-basic-prof for their JavaScript frames to have names.
  -- node app.js ...    run a Node.js program under V8's sampler (--cpu-prof) until it exits;
                        weights are CPU microseconds from the sample time deltas.
  -- COMMAND ...        run any other program under perf record -g until it exits.
Ctrl-C stops the program and discards its recording; for a program that does not end by itself
(a server), start it and profile it with --pid for a --duration.
perf comes from Debian's linux-perf package; it needs root or kernel.perf_event_paranoid <= 2
(software clock events) for your own processes. With a command, twintune exits with its code.

Options:
  --pid PID             the process to attach to
  --duration S          how long to record with --pid (default 10)
  -F, --frequency HZ    samples per second (default 99)
  -o, --output PATH     the folded stacks (default profile-<PID or program>.folded, or .us.folded
                        for Node's microsecond weights)
  --pprof PATH          also write gzipped pprof (go tool pprof reads it)
  --svg PATH            also write the SVG flame graph
  --html PATH           also write the interactive HTML flame graph
  --json                print a summary: outputs, totals, hotspots over 5% (the program's own
                        stdout goes to stderr)
  -h, --help            show this help

Examples:
  twintune profile --pid 4242 --duration 30 --svg app.svg
  twintune profile --html app.html -- node app.js --port 8080
`;

interface Outcome {
  profile: StackProfile;
  pprof: Uint8Array;
  exitCode: number;
  method: string;
}

async function profileCommand(
  command: string[],
  hz: number,
  startMs: number,
  cwd: string,
  output: PassThrough,
): Promise<Outcome> {
  const started = performance.now();
  if (isNodeCommand(command[0] as string)) {
    const run = await profileNodeProgram(command, hz, cwd, output);
    if (run.profiles.length === 0) throw new UserError(`'${command.join(" ")}' wrote no CPU profile (did it start?)`);
    const merged: StackProfile = { stacks: new Map(), unit: "microseconds" };
    let pprof: Uint8Array | undefined;
    for (const cpu of run.profiles) {
      const exported = exportCpuProfile(cpu, startMs, 1e6 / hz);
      pprof ??= exported.pprof; // the main thread's, which --cpu-prof writes first
      for (const [key, weight] of exported.folded.stacks)
        merged.stacks.set(key, (merged.stacks.get(key) ?? 0) + weight);
    }
    const exitCode = run.exitCode ?? 128 + 15;
    return { profile: merged, pprof: pprof as Uint8Array, exitCode, method: "node --cpu-prof" };
  }
  const run = await recordWithPerf({ command, frequency: hz, cwd, output });
  const pprof = stacksToPprof(run.profile, startMs, performance.now() - started);
  return { profile: run.profile, pprof, exitCode: run.exitCode ?? 1, method: "perf record -g" };
}

/** The name a command's profile is called by: the script of `node app.js`, else the program. */
function programName(command: readonly string[]): string {
  const program = command[0] as string;
  if (!isNodeCommand(program)) return basename(program);
  const script = command.slice(1).find((arg) => !arg.startsWith("-"));
  // `node -e CODE` has no script: the code is not a name.
  return script === undefined || ["-e", "--eval", "-p", "--print"].includes(command[1] ?? "")
    ? "node"
    : basename(script);
}

/** Fails with exit 127, as a shell does, when `program` cannot be found or run. */
function findProgram(program: string, io: CliIO): void {
  if (canRun(program, io.env.PATH ?? "", io.cwd)) return;
  throw new UserError(
    program.includes("/") ? `${program}: command not found or not executable` : `${program}: command not found`,
    127,
  );
}

async function run(args: string[], io: CliIO): Promise<number> {
  const split = args.indexOf("--");
  const optionArgs = split < 0 ? args : args.slice(0, split);
  const command = split < 0 ? [] : args.slice(split + 1);
  const { values } = parseCommandArgs("profile", optionArgs, {
    pid: { type: "string" },
    duration: { type: "string" },
    frequency: { type: "string", short: "F" },
    output: { type: "string", short: "o" },
    pprof: { type: "string" },
    svg: { type: "string" },
    html: { type: "string" },
    json: { type: "boolean", default: false },
  });
  if (values.pid === undefined && command.length === 0)
    throw new UsageError("twintune profile needs --pid PID or a command after -- (twintune profile -- node app.js)");
  if (values.pid !== undefined && command.length > 0)
    throw new UsageError("twintune profile takes --pid PID or a command after --, not both");
  const hz = integerOption("frequency", values.frequency, 99, 1);
  const pid = values.pid === undefined ? undefined : integerOption("pid", values.pid, 0, 1);
  if (pid === undefined) findProgram(command[0] as string, io);
  const target = pid !== undefined ? String(pid) : programName(command);
  const unitSuffix = pid === undefined && isNodeCommand(command[0] as string) ? ".us" : "";
  const output = values.output ?? `profile-${target.replace(/[^\w.-]/g, "_")}${unitSuffix}.folded`;
  const otherFormat = OTHER_FORMATS.find(([suffix]) => output.toLowerCase().endsWith(suffix));
  if (otherFormat !== undefined)
    throw new UsageError(
      `-o ${output}: -o writes folded stacks (text), not ${otherFormat[1]}: use ${otherFormat[2]} ${output}; the folded stacks still go to -o or its default name`,
    );
  const named = [
    { flag: values.output === undefined ? "the folded stacks" : "-o", path: output },
    ...(values.pprof === undefined ? [] : [{ flag: "--pprof", path: values.pprof }]),
    ...(values.svg === undefined ? [] : [{ flag: "--svg", path: values.svg }]),
    ...(values.html === undefined ? [] : [{ flag: "--html", path: values.html }]),
  ];
  const outputs = named.map((file) => file.path);
  // Where the results go is checked before the program runs, not after; the program and any
  // file it is given (node app.js) are inputs an output must not replace.
  const commandFiles = command
    .filter((word) => statSync(resolve(io.cwd, word), { throwIfNoEntry: false })?.isFile() === true)
    .map((word) => ({ flag: "the profiled command's", path: word }));
  checkOutputFiles(io.cwd, named, commandFiles);
  const startMs = Date.now();
  let outcome: Outcome;
  try {
    if (pid !== undefined) {
      const duration = numberOption("duration", values.duration, 10, { min: 0, max: 86_400, minExclusive: true });
      try {
        process.kill(pid, 0);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ESRCH") throw new UserError(`no process with pid ${pid}`);
      }
      if (io.stderr.isTTY) io.stderr.write(`recording pid ${pid} for ${duration} s with perf...\n`);
      const recorded = await recordWithPerf({ pid, durationSeconds: duration, frequency: hz });
      outcome = {
        profile: recorded.profile,
        pprof: stacksToPprof(recorded.profile, startMs, duration * 1000),
        exitCode: 0,
        method: "perf record -g",
      };
    } else {
      if (values.duration !== undefined)
        throw new UsageError("--duration applies to --pid; a command is profiled until it exits");
      // With --json our stdout is one JSON document: the program's own output goes to stderr.
      outcome = await profileCommand(command, hz, startMs, io.cwd, values.json ? "stdout-to-stderr" : "terminal");
    }
  } catch (error) {
    if (error instanceof ToolError) throw new UserError(error.message);
    throw error;
  }
  const { profile } = outcome;
  const files = [{ path: output, data: formatFolded(profile) as string | Uint8Array }];
  if (values.pprof !== undefined) files.push({ path: values.pprof, data: outcome.pprof });
  if (values.svg !== undefined || values.html !== undefined) {
    const tree = buildFrameTree(profile, { minWeight: drawThreshold(totalWeight(profile)) });
    const options = {
      title: `Flame Graph: ${command.length > 0 ? command.join(" ") : `pid ${target}`}`,
      unit: profile.unit,
    };
    if (values.svg !== undefined) files.push({ path: values.svg, data: renderSvg(tree, options).svg });
    if (values.html !== undefined) files.push({ path: values.html, data: renderHtml(tree, options) });
  }
  writeFilesTogether(files.map((file) => ({ ...file, path: resolve(io.cwd, file.path) })));
  const total = totalWeight(profile);
  if (values.json) {
    const hotspots = findHotspots(profile, 0.05);
    io.stdout.write(
      `${JSON.stringify({ target, method: outcome.method, unit: profile.unit, total, stacks: profile.stacks.size, outputs, hotspots }, null, 2)}\n`,
    );
  } else {
    io.stderr.write(
      `wrote ${outputs.join(", ")}: ${formatWeight(total)} ${profile.unit} in ${profile.stacks.size} distinct stacks (${outcome.method})\n`,
    );
  }
  if (unitSuffix !== "" && values.output !== undefined && !output.endsWith(".us.folded"))
    io.stderr.write(
      `twintune: note: ${output} holds CPU microseconds; a folded file carries its unit in its name, so hotspots and flamegraph will count them as samples (name it *.us.folded to keep the unit)\n`,
    );
  if (total === 0) io.stderr.write("twintune: warning: no samples were recorded (was the process idle?)\n");
  return outcome.exitCode;
}

export const profileCommandEntry: Command = { usage: USAGE, run };
