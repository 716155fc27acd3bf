import { closeSync, openSync, readSync } from "node:fs";
import { excerpt, ProfileParseError } from "./parse-error.js";
import type { StackProfile } from "./stack-profile.js";

const SPACE = 32;
const TAB = 9;
const CR = 13;
const NL = 10;
const DOT = 46;
const isBlank = (byte: number) => byte === SPACE || byte === TAB || byte === CR;
const isDigit = (byte: number) => byte >= 48 && byte <= 57;
const COUNT = /^\d+(\.\d+)?$/;

/**
 * Parses folded stacks ("root;child;leaf COUNT" per line, as the stackcollapse scripts write
 * them) from bytes, fed in chunks so a file of hundreds of megabytes is never held whole: only
 * each line's stack is decoded, and checked the first time it is seen. The count is the number
 * after the last run of blanks: an integer or a decimal. Blank lines are skipped; repeated
 * stacks summed. Unlike flamegraph.pl, which skips invalid lines and counts them, a malformed
 * line is an error naming its line number: a silently dropped line would make every width
 * wrong without a trace.
 */
export class FoldedParser {
  private readonly stacks = new Map<string, number>();
  private line = 0;

  constructor(private readonly source = "<input>") {}

  /** Parses the complete lines in bytes [start, end); returns where the unparsed rest begins (all of it if `final`). */
  feed(bytes: Buffer, start: number, end: number, final: boolean): number {
    let at = start;
    while (at < end) {
      let newline = bytes.indexOf(NL, at);
      if (newline < 0 || newline >= end) {
        if (!final) return at;
        newline = end;
      }
      this.line++;
      this.parseLine(bytes, at, newline);
      at = newline + 1;
    }
    return end;
  }

  result(unit = "samples"): StackProfile {
    return { stacks: this.stacks, unit };
  }

  private fail(problem: string): never {
    throw new ProfileParseError(this.source, this.line, problem);
  }

  private parseLine(bytes: Buffer, from: number, to: number): void {
    let start = from;
    let end = to;
    if (this.line === 1 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) start += 3;
    while (end > start && isBlank(bytes[end - 1] as number)) end--;
    if (end === start) return;
    let blank = end - 1;
    while (blank >= start && !isBlank(bytes[blank] as number)) blank--;
    const text = () => bytes.toString("utf8", start, end);
    if (blank < start) this.fail(`expected 'frame;frame;... COUNT', got '${excerpt(text())}'`);
    const count = this.count(bytes, blank + 1, end);
    let stackEnd = blank;
    while (stackEnd > start && isBlank(bytes[stackEnd - 1] as number)) stackEnd--;
    let stackStart = start;
    while (stackStart < stackEnd && isBlank(bytes[stackStart] as number)) stackStart++;
    if (stackStart === stackEnd) this.fail(`expected a stack before the count, got '${excerpt(text())}'`);
    const stack = bytes.toString("utf8", stackStart, stackEnd);
    const known = this.stacks.get(stack);
    if (known === undefined) {
      this.check(stack);
      if (count > 0) this.stacks.set(stack, count);
    } else this.stacks.set(stack, known + count);
  }

  private count(bytes: Buffer, start: number, end: number): number {
    let value = 0;
    let k = start;
    for (; k < end && isDigit(bytes[k] as number); k++) value = value * 10 + ((bytes[k] as number) - 48);
    if (k === end && k > start) return value;
    const text = bytes.toString("utf8", start, end);
    if (bytes[k] !== DOT || !COUNT.test(text)) {
      this.fail(`expected a sample count (a non-negative number) at the end of the line, got '${excerpt(text)}'`);
    }
    const decimal = Number(text);
    if (!Number.isFinite(decimal)) this.fail(`count '${excerpt(text)}' is too large`);
    return decimal;
  }

  /** Checks a stack the first time it appears (so the error names that line). */
  private check(stack: string): void {
    if (stack.charCodeAt(0) === 59 || stack.charCodeAt(stack.length - 1) === 59 || stack.includes(";;")) {
      this.fail(`empty frame name in stack '${excerpt(stack)}'`);
    }
    // A second count before this one ("stack 3 4") is flamegraph.pl's differential input.
    let digits = stack.length;
    while (digits > 0 && /[\d.]/.test(stack[digits - 1] as string)) digits--;
    if (
      digits > 0 &&
      digits < stack.length &&
      /[ \t]/.test(stack[digits - 1] as string) &&
      COUNT.test(stack.slice(digits))
    ) {
      this.fail(
        "two counts on one line (flamegraph.pl's differential input): give the two profiles separately: twintune flamegraph AFTER --diff BEFORE",
      );
    }
  }
}

/** Parses folded text. */
export function parseFolded(text: string, source = "<input>", unit = "samples"): StackProfile {
  const bytes = Buffer.from(text, "utf8");
  const parser = new FoldedParser(source);
  parser.feed(bytes, 0, bytes.length, true);
  return parser.result(unit);
}

/** Parses folded bytes already in memory. */
export function parseFoldedBytes(bytes: Uint8Array, source = "<input>", unit = "samples"): StackProfile {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parser = new FoldedParser(source);
  parser.feed(buffer, 0, buffer.length, true);
  return parser.result(unit);
}

/**
 * Parses a folded file through a reused 1 MiB buffer: memory stays proportional to the distinct
 * stacks, not the file (a fresh multi-hundred-megabyte buffer costs seconds of page faults on
 * some virtual machines).
 */
export function parseFoldedFile(path: string, source = path, unit = "samples"): StackProfile {
  const parser = new FoldedParser(source);
  let buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, "r");
  try {
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        // One line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      const end = filled + read;
      const rest = parser.feed(buffer, 0, end, read === 0);
      if (read === 0) break;
      buffer.copy(buffer, 0, rest, end);
      filled = end - rest;
    }
  } finally {
    closeSync(fd);
  }
  return parser.result(unit);
}
