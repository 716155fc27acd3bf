import { excerpt, ProfileParseError } from "./parse-error.js";
import type { StackProfile } from "./stack-profile.js";

const COUNT = /^\d+(\.\d+)?$/;

function isSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * Parses folded stacks ("root;child;leaf COUNT" per line, as written by the stackcollapse
 * scripts and `perf script | stackcollapse-perf.pl`). The count is the number after the last run
 * of whitespace: an integer or a decimal. Blank lines are skipped. Unlike flamegraph.pl, which
 * skips invalid lines and counts them, any malformed line is an error naming its line number:
 * a silently dropped line would make every width in the graph wrong without a trace.
 * Repeated stacks are summed.
 */
export function parseFolded(text: string, source = "<input>", unit = "samples"): StackProfile {
  const stacks = new Map<string, number>();
  for (let start = text.charCodeAt(0) === 0xfeff ? 1 : 0, lineNumber = 1; start < text.length; lineNumber++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    let stop = end;
    // Trim a carriage return and trailing whitespace; the count then runs back to the previous whitespace.
    while (stop > start && (isSpace(text.charCodeAt(stop - 1)) || text.charCodeAt(stop - 1) === 13)) stop--;
    if (stop > start) addLine(text, start, stop, lineNumber, source, stacks);
    start = end + 1;
  }
  return { stacks, unit };
}

function addLine(
  text: string,
  start: number,
  stop: number,
  lineNumber: number,
  source: string,
  stacks: Map<string, number>,
): void {
  let split = stop - 1;
  while (split >= start && !isSpace(text.charCodeAt(split))) split--;
  const line = () => text.slice(start, stop);
  if (split < start) {
    throw new ProfileParseError(source, lineNumber, `expected 'frame;frame;... COUNT', got '${excerpt(line())}'`);
  }
  const countText = text.slice(split + 1, stop);
  if (!COUNT.test(countText)) {
    throw new ProfileParseError(
      source,
      lineNumber,
      `expected a sample count (a non-negative number) at the end of the line, got '${excerpt(countText)}'`,
    );
  }
  let stackEnd = split;
  while (stackEnd > start && isSpace(text.charCodeAt(stackEnd - 1))) stackEnd--;
  let stackStart = start;
  while (stackStart < stackEnd && isSpace(text.charCodeAt(stackStart))) stackStart++;
  const stack = text.slice(stackStart, stackEnd);
  if (stack === "")
    throw new ProfileParseError(source, lineNumber, `expected a stack before the count, got '${excerpt(line())}'`);
  const lastSpace = Math.max(stack.lastIndexOf(" "), stack.lastIndexOf("\t"));
  if (lastSpace >= 0 && COUNT.test(stack.slice(lastSpace + 1))) {
    throw new ProfileParseError(
      source,
      lineNumber,
      "two counts on one line (flamegraph.pl's differential input): give the two profiles separately, as --diff BEFORE AFTER",
    );
  }
  if (stack.charCodeAt(0) === 59 || stack.charCodeAt(stack.length - 1) === 59 || stack.includes(";;")) {
    throw new ProfileParseError(source, lineNumber, `empty frame name in stack '${excerpt(stack)}'`);
  }
  const count = Number(countText);
  if (!Number.isFinite(count))
    throw new ProfileParseError(source, lineNumber, `count '${excerpt(countText)}' is too large`);
  if (count > 0) stacks.set(stack, (stacks.get(stack) ?? 0) + count);
}
