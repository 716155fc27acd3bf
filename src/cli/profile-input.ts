import { resolve } from "node:path";
import { ProfileParseError } from "../flamegraph/parse-error.js";
import { loadProfile, PROFILE_FORMATS, type ProfileFormat } from "../flamegraph/profile-loader.js";
import { type StackProfile, totalWeight } from "../flamegraph/stack-profile.js";
import { UsageError, UserError } from "./errors.js";
import type { CliIO } from "./io.js";

/** `--format` checked against the formats the parsers know. */
export function formatOption(value: string | undefined): ProfileFormat | undefined {
  if (value === undefined) return undefined;
  if (!(PROFILE_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--format expects one of ${PROFILE_FORMATS.join(", ")}, got '${value}'`);
  }
  return value as ProfileFormat;
}

/** A decimal option value within bounds, or a UsageError naming the flag. */
export function numberOption(
  flag: string,
  value: string | undefined,
  fallback: number,
  bounds: { min: number; max: number; minExclusive?: boolean },
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  const low = bounds.minExclusive ? number > bounds.min : number >= bounds.min;
  if (value.trim() === "" || !Number.isFinite(number) || !low || number > bounds.max) {
    const range = `${bounds.minExclusive ? "above" : "at least"} ${bounds.min} and at most ${bounds.max}`;
    throw new UsageError(`--${flag} expects a number ${range}, got '${value}'`);
  }
  return number;
}

/** Loads a profile named on the command line; a missing or malformed file is a UserError with the file and line. */
export async function readProfileArgument(
  io: CliIO,
  path: string,
  format?: ProfileFormat,
): Promise<{ profile: StackProfile; format: ProfileFormat; path: string }> {
  const absolute = resolve(io.cwd, path);
  try {
    const loaded = await loadProfile(absolute, format);
    // An empty profile draws a blank graph and divides by zero in a diff: say so instead.
    if (totalWeight(loaded.profile) <= 0) throw new UserError(`${path}: the profile holds no samples`);
    for (const note of loaded.profile.notes ?? []) io.stderr.write(`twintune: note: ${path}: ${note}\n`);
    return { ...loaded, path: absolute };
  } catch (error) {
    if (error instanceof ProfileParseError) {
      // Name the file as the user typed it.
      throw new UserError(
        error.message.startsWith(absolute) ? `${path}${error.message.slice(absolute.length)}` : error.message,
      );
    }
    throw error;
  }
}
