import { open, readFile } from "node:fs/promises";
import { fsErrorCode, fsReason } from "../output-path.js";
import { parseCpuProfile } from "./cpuprofile.js";
import { cpuProfileStacks } from "./cpuprofile-stacks.js";
import { parseFoldedBytes, parseFoldedFile } from "./folded-parser.js";
import { ProfileParseError } from "./parse-error.js";
import { parsePerfScript } from "./perf-script-parser.js";
import { isGzip, parsePprof } from "./pprof-parser.js";
import type { StackProfile } from "./stack-profile.js";

export type ProfileFormat = "folded" | "pprof" | "cpuprofile" | "perf-script";

export const PROFILE_FORMATS: readonly ProfileFormat[] = ["folded", "pprof", "cpuprofile", "perf-script"];

// The first header line of `perf script`: "comm pid[/tid] [cpu] secs.usecs: [period] event:",
// followed without call graphs by the sampled "address symbol (binary)" on the same line.
const PERF_HEADER =
  /^\s*\S.*?\s+-?\d+(?:\/-?\d+)?\s+(?:\[\d+\]\s+)?\d+\.\d+:\s+(?:\d+\s+)?\S+:(?:\s*|\s+[0-9a-fA-F]+\s+\S.*)$/m;

/** Tells the format from the content: gzip or binary is pprof, "{" a .cpuprofile, perf's sample header perf script, the rest folded. */
export function detectFormat(bytes: Uint8Array): ProfileFormat {
  if (isGzip(bytes)) return "pprof";
  const head = Buffer.from(bytes.subarray(0, 4096)).toString("utf8");
  if (/^\s*\{/.test(head)) return "cpuprofile";
  // Text has no NUL bytes and few control characters; pprof's protobuf starts with field tags.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (head.includes("\u0000") || /[\u0001-\u0008\u000e-\u001a]/.test(head)) return "pprof";
  const firstLine = head.split("\n").find((line) => line.trim() !== "" && !line.startsWith("#")) ?? "";
  if (PERF_HEADER.test(firstLine)) return "perf-script";
  return "folded";
}

/** Parses bytes of a known format into stacks. */
export function parseProfile(bytes: Uint8Array, format: ProfileFormat, source = "<input>"): StackProfile {
  if (format === "pprof") return parsePprof(bytes, source);
  if (format === "folded") return parseFoldedBytes(bytes, source);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (format === "cpuprofile") return cpuProfileStacks(parseCpuProfile(text, source));
  return parsePerfScript(text, source);
}

/** The unit of a folded file by its name: ".us.folded" microseconds, ".ns.folded" nanoseconds, ".bytes.folded" bytes, else samples. */
export function foldedUnit(path: string): string {
  if (path.endsWith(".us.folded")) return "microseconds";
  if (path.endsWith(".ns.folded")) return "nanoseconds";
  if (path.endsWith(".bytes.folded")) return "bytes";
  return "samples";
}

/** Reads a profile file in any supported format (detected from its content unless given). */
export async function loadProfile(
  path: string,
  format?: ProfileFormat,
): Promise<{ profile: StackProfile; format: ProfileFormat }> {
  let chosen = format;
  let profile: StackProfile;
  try {
    // The first 4 KiB tell the format; a folded file is then streamed, never read whole.
    const handle = await open(path, "r");
    let detected: ProfileFormat;
    let binary: boolean;
    try {
      const head = Buffer.alloc(4096);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      detected = detectFormat(head.subarray(0, bytesRead));
      // gzip or NUL bytes: surely binary. Other control bytes may be a text file with a stray one.
      binary = isGzip(head.subarray(0, bytesRead)) || head.subarray(0, bytesRead).includes(0);
    } finally {
      await handle.close();
    }
    // A binary profile read as text would be quoted back as bytes in the error: say what it is.
    if (chosen !== undefined && chosen !== "pprof" && detected === "pprof" && binary)
      throw new ProfileParseError(path, undefined, `is a pprof profile (binary), not ${chosen}; leave out --format`);
    const guessed = chosen === undefined && detected === "pprof" && !binary;
    chosen ??= detected;
    try {
      profile =
        chosen === "folded"
          ? parseFoldedFile(path, path, foldedUnit(path))
          : parseProfile(await readFile(path), chosen, path);
    } catch (error) {
      if (!(guessed && error instanceof ProfileParseError)) throw error;
      throw new ProfileParseError(
        path,
        undefined,
        `${error.message.replace(`${path}: `, "")} (read as pprof for the control bytes near its start; if it is text, give --format folded or perf-script)`,
      );
    }
  } catch (error) {
    if (error instanceof ProfileParseError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : fsErrorCode(error) !== undefined
            ? `cannot read: ${fsReason(error)}`
            : (error as Error).message;
    throw new ProfileParseError(path, undefined, reason);
  }
  return { profile, format: chosen };
}
