import type { KnobRef, KnobValue } from "../../src/backend.js";
import { KnobUnavailableError, KnobValueError, sameKnobValue } from "../../src/backend.js";
import type { CommandResult } from "../command-runner.js";
import type { TextFs } from "../host-fs.js";
import { HostFsError } from "../host-fs-error.js";
import type { Parsed } from "../parsers/parsed.js";
import { readParsed } from "../read-parsed.js";
import type { KnobContext } from "./knob-access.js";

/** The default verify: read back and compare. */
export function verifyByReadBack<V extends KnobValue>(
  get: (ctx: KnobContext, target: string) => Promise<V>,
): (ctx: KnobContext, target: string, expected: V) => Promise<{ ok: boolean; found: V }> {
  return async (ctx, target, expected) => {
    const found = await get(ctx, target);
    return { ok: sameKnobValue(found, expected), found };
  };
}

/** Reads a knob's file with its parser; a missing file means the knob is unavailable there. */
export async function readKnobFile<T>(
  fs: TextFs,
  ref: KnobRef,
  path: string,
  parse: (text: string, file: string) => Parsed<T>,
): Promise<T> {
  try {
    return await readParsed(fs, path, parse);
  } catch (error) {
    if (error instanceof HostFsError && error.code === "ENOENT")
      throw new KnobUnavailableError(ref, `${path} does not exist`);
    throw error;
  }
}

/** The errno a program's message names (taskset, ethtool, migratepages print strerror text). */
export function errnoOf(message: string): string {
  if (/Operation not permitted/i.test(message)) return "EPERM";
  if (/Permission denied/i.test(message)) return "EACCES";
  if (/Invalid argument/i.test(message)) return "EINVAL";
  if (/No such (file|process|device)/i.test(message)) return "ENOENT";
  if (/not supported/i.test(message)) return "EOPNOTSUPP";
  return "EIO";
}

/** A failed program run as a HostFsError, so the backend maps it like a failed file write. */
export function commandFailure(program: string, args: readonly string[], result: CommandResult): HostFsError {
  const message = (result.stderr || result.stdout).trim().split("\n")[0] || `exit status ${result.code}`;
  const code = result.code === null && /ENOENT|not found/.test(message) ? "ENOENT" : errnoOf(message);
  return new HostFsError("write", `${program} ${args.join(" ")}`, code, message);
}

/** Runner-based knobs need root for writes; files check their own permission. */
export function requireRoot(ctx: KnobContext, path: string): void {
  if (!ctx.isRoot) throw new HostFsError("write", path, "EPERM", "changing it needs root");
}

/** A whole-number user input, or a clear error. */
export function parseIntegerText(text: string): number {
  const value = Number(text.trim());
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value))
    throw new Error(`expected an integer, got '${text}'`);
  return value;
}

export function valueError(ref: KnobRef, detail: string): KnobValueError {
  return new KnobValueError(ref, detail);
}
