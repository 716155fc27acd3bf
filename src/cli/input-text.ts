import { closeSync, openSync, readSync } from "node:fs";
import { UserError } from "./errors.js";

/*
 * Input files as text: what an error may quote from them (short and printable, whatever the
 * file held) and a check that a file is text at all before a parser reports its first byte.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffd]/g;
const HAS_UNPRINTABLE = new RegExp(UNPRINTABLE.source);

/** Text safe to quote in one terminal line: control characters escaped, at most `max` characters. */
export function printableExcerpt(text: string, max = 40): string {
  const escaped = text.replace(UNPRINTABLE, (char) =>
    char === "\ufffd" ? "?" : `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  if (escaped.length <= max) return escaped;
  // Do not cut an escape in half.
  return `${escaped.slice(0, max).replace(/\\(?:x[0-9a-f]?|u[0-9a-fA-F]{0,3})?$/, "")}...`;
}

/**
 * Shortens every quoted value in an error message ("got \"<a whole file>\"") to a short,
 * printable excerpt, so a message stays one readable line whatever the file held.
 */
export function clipQuoted(message: string, max = 40): string {
  return message
    .replace(/"((?:[^"\\\n]|\\.)*)"|(?<!\w)'([^'\n]*)'(?!\w)/g, (whole, double?: string, single?: string) => {
      const inner = double ?? single ?? "";
      if (inner.length <= max && !HAS_UNPRINTABLE.test(inner)) return whole;
      const quote = whole[0] as string;
      return `${quote}${printableExcerpt(inner, max)}${quote}`;
    })
    .replace(UNPRINTABLE, (char) => (char === "\ufffd" ? "?" : " "));
}

/**
 * Refuses, before parsing, a file that is empty (unless allowed) or binary (a NUL byte or bytes
 * that are not UTF-8 in its first 8 KiB), naming it as `shown` and what it should have been.
 * A file that cannot be opened is left to the loader, which says why.
 */
export function requireTextFile(
  path: string,
  shown: string,
  expected: string,
  options: { allowEmpty?: boolean } = {},
): void {
  let head: Buffer;
  let size: number;
  try {
    const fd = openSync(path, "r");
    try {
      head = Buffer.alloc(8192);
      size = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return;
  }
  head = head.subarray(0, size);
  if (!options.allowEmpty && size < 8192 && head.toString("utf8").trim() === "")
    throw new UserError(`${shown}: empty file: expected ${expected}`);
  const badLine = head.includes(0) ? undefined : firstNonUtf8Line(head, size === 8192);
  if (badLine !== undefined)
    throw new UserError(
      `${shown}:${badLine.line}: bytes that are not UTF-8 (${badLine.bytes}); expected ${expected} as UTF-8 text (convert it, e.g. iconv -f latin1 -t utf-8)`,
    );
  // NUL bytes: a binary file (text files never hold them; one that is not UTF-8 was named above).
  if (head.includes(0)) {
    const start = [...head.subarray(0, 12)]
      .map((byte) =>
        byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
          ? String.fromCharCode(byte)
          : `\\x${byte.toString(16).padStart(2, "0")}`,
      )
      .join("");
    throw new UserError(`${shown}: binary data (starts "${start}"), expected ${expected}`);
  }
}

/** The first line of `head` that is not valid UTF-8, with its first bytes in hex; undefined if all are. */
function firstNonUtf8Line(head: Buffer, truncated: boolean): { line: number; bytes: string } | undefined {
  try {
    // Most files are valid: one decode says so; only a failure is searched line by line.
    // A multi-byte character cut at the end of the excerpt is not an error (stream keeps it pending).
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: truncated });
    return undefined;
  } catch {}
  const strict = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  for (let line = 1; start < head.length; line++) {
    const newline = head.indexOf(0x0a, start);
    const end = newline === -1 ? head.length : newline;
    const last = newline === -1;
    try {
      // The last line of a truncated excerpt may end in the middle of a character.
      strict.decode(head.subarray(start, end), { stream: last && truncated });
    } catch {
      const lineBytes = head.subarray(start, end);
      const bad = invalidUtf8At(lineBytes);
      // The lead byte and the continuation bytes that follow it, up to where the sequence broke.
      let count = 1;
      while (
        count < sequenceLength(lineBytes[bad] ?? 0) &&
        (lineBytes[bad + count] ?? 0) >= 0x80 &&
        (lineBytes[bad + count] ?? 0) <= 0xbf
      )
        count++;
      const bytes = [...lineBytes.subarray(bad, bad + count)]
        .map((byte) => `\\x${byte.toString(16).padStart(2, "0")}`)
        .join("");
      return { line, bytes };
    }
    start = end + 1;
  }
  return undefined;
}

/** Bytes a UTF-8 sequence starting with `lead` should have (0: not a lead byte). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Where the first sequence that is not UTF-8 starts (a stray continuation byte, a bad lead, a cut sequence). */
function invalidUtf8At(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const length = sequenceLength(bytes[i] as number);
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  // Overlong forms and surrogates pass this check; the first non-ASCII byte is as close as it gets.
  return Math.max(
    0,
    bytes.findIndex((byte) => byte >= 0x80),
  );
}
