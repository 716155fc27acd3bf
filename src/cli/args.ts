import { availableParallelism } from "node:os";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./errors.js";
import type { CliIO } from "./io.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

const MAY_BE_EMPTY = new Set(["title"]);

/** What parseCommandArgs returns: the flag values by name and the positional arguments. */
export interface ParsedArgs<O extends Options> {
  values: ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>["values"];
  positionals: string[];
}

/**
 * Parses a command's arguments strictly: an unknown flag, a missing value or a stray positional
 * argument is a UsageError that names the command, so main prints one line and a hint.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: string[],
  options: O,
  positionals: { min: number; max: number } = { min: 0, max: 0 },
): ParsedArgs<O> {
  let parsed: ParsedArgs<O>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    const ambiguous = /^Option '(-[^']+)' argument is ambiguous/.exec((error as Error).message);
    if (ambiguous !== null) throw ambiguousValue(command, args, ambiguous[1] as string);
    // Node's messages run on ("... To specify a positional argument starting with a '-' ..."): keep the first sentence.
    const first = ((error as Error).message.split(/\.\s/)[0] ?? "bad arguments")
      .replace(/^Unknown/, "unknown")
      .replace(/^Option/, "option");
    throw new UsageError(`${first} for 'twintune ${command}'`, `Run 'twintune ${command} --help' for its options.`);
  }
  // A value option given twice (--seed 7 ... --seed 9) would silently keep the last: ask which.
  const first = new Map<string, string>();
  for (const token of (parsed as { tokens?: { kind: string; name?: string; value?: string }[] }).tokens ?? []) {
    const option = token.kind === "option" && token.name !== undefined ? options[token.name] : undefined;
    if (option === undefined || option.type !== "string" || option.multiple === true) continue;
    const name = token.name as string;
    const earlier = first.get(name);
    if (earlier !== undefined)
      throw new UsageError(
        `--${name} is given twice ('${earlier}' and '${token.value ?? ""}') for 'twintune ${command}': give it once`,
        `Run 'twintune ${command} --help' for its options.`,
      );
    first.set(name, token.value ?? "");
  }
  // An empty value (--out '', an unset variable in a script) is never a file, folder or number;
  // only a text shown as written (a graph's --title) may be empty.
  for (const [name, value] of Object.entries(parsed.values)) {
    if (MAY_BE_EMPTY.has(name)) continue;
    const given = Array.isArray(value) ? value : [value];
    if (given.some((item) => item === ""))
      throw new UsageError(
        `--${name} needs a value, got an empty string for 'twintune ${command}'`,
        `Run 'twintune ${command} --help' for its options.`,
      );
  }
  if (parsed.positionals.some((item) => item === ""))
    throw new UsageError(
      `an empty argument for 'twintune ${command}' (an unset variable?)`,
      `Run 'twintune ${command} --help' for its usage.`,
    );
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    const expected =
      positionals.max === 0
        ? "no arguments"
        : `${positionals.min === positionals.max ? positionals.min : `${positionals.min} to ${positionals.max}`} argument(s)`;
    throw new UsageError(
      `twintune ${command} takes ${expected}, got ${count}`,
      `Run 'twintune ${command} --help' for its usage.`,
    );
  }
  return parsed;
}

/**
 * `--seed -1`: parseArgs will not take a value that looks like an option. Say what to write
 * instead (`--seed=-1`) rather than Node's "argument is ambiguous".
 */
function ambiguousValue(command: string, args: readonly string[], flag: string): UsageError {
  const long = flag.split(",")[0]?.trim() ?? flag;
  const at = args.findIndex((arg) => arg === long || flag.includes(arg));
  const value = at >= 0 ? args[at + 1] : undefined;
  const named = long.startsWith("--") ? long : flag;
  return new UsageError(
    value === undefined
      ? `option '${named}' needs a value for 'twintune ${command}'`
      : `option '${named}' is followed by '${value}', which looks like an option: write ${named}=${value} if that is its value`,
    `Run 'twintune ${command} --help' for its options.`,
  );
}

/** An integer option value, or a UsageError naming the flag. */
export function integerOption(
  flag: string,
  value: string | undefined,
  fallback: number,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
    const bounds = [
      min > Number.MIN_SAFE_INTEGER ? `>= ${min}` : "",
      max < Number.MAX_SAFE_INTEGER ? `<= ${max}` : "",
    ].filter(Boolean);
    throw new UsageError(
      `--${flag} expects an integer${bounds.length > 0 ? ` ${bounds.join(" and ")}` : ""}, got '${value}'`,
    );
  }
  return number;
}

/** A metrics window's longest: a day. Node's timers stop at 2^31 ms (about 24.8 days) anyway. */
export const MAX_INTERVAL_MS = 86_400_000;

/**
 * A count of worker threads: 1 up to the CPUs this process may use. Simulation workers are
 * CPU-bound, so more threads than CPUs add only memory (tens of MB each) and contention; a larger
 * count (a script written on a bigger machine) is lowered to the CPUs here, with a warning, and
 * the results are the same at any count.
 */
export function threadCountOption(flag: string, value: string | undefined, fallback: number, io: CliIO): number {
  const cpus = availableParallelism();
  const count = integerOption(flag, value, fallback, 1);
  if (count <= cpus) return count;
  io.stderr.write(
    `twintune: warning: --${flag} ${count} is more than the ${cpus} CPU(s) available here; using ${cpus}\n`,
  );
  return cpus;
}
