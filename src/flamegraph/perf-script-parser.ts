import { excerpt, ProfileParseError } from "./parse-error.js";
import { addStack, type StackProfile } from "./stack-profile.js";

// `comm pid[/tid] [cpu] time: [period] event:` (perf script's default fields; cpu, time and period optional).
const HEADER = /^(\S.*?)\s+-?\d+(?:\/-?\d+)?\s+(?:\[\d+\]\s+)?(?:\d+\.\d+:\s+)?(?:\d+\s+)?(\S+?):?\s*$/;
// `addr symbol+offset (dso)`, leaf first; the dso part is optional.
const FRAME = /^\s+[0-9a-fA-F]+\s+(.*?)\s*$/;
const OFFSET = /\+0x[0-9a-fA-F]+$/;
// Without call graphs (`perf record` with no -g) a sample is one line: the header, then the
// sampled address, symbol and binary; perf pads the command name to the right.
const FLAT =
  /^\s*(\S.*?)\s+-?\d+(?:\/-?\d+)?\s+(?:\[\d+\]\s+)?\d+\.\d+:\s+(?:\d+\s+)?(\S+?):\s+[0-9a-fA-F]+\s+(\S.*?)\s*$/;
// perf's event modifiers (`cycles:u`, `cpu-clock:pppH`): the same event, however it was qualified.
const MODIFIERS = /:[ukhIGHpPSDWe]+$/;

function basename(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}

/** One frame line's function name, tidied as stackcollapse-perf.pl tidies it. */
function frameName(rest: string): string {
  let symbol = rest;
  let dso = "";
  if (rest.endsWith(")")) {
    const open = rest.lastIndexOf(" (");
    if (open >= 0) {
      symbol = rest.slice(0, open).trim();
      dso = rest.slice(open + 2, -1);
    } else if (rest.startsWith("(")) {
      symbol = "";
      dso = rest.slice(1, -1);
    }
  }
  symbol = symbol.replace(OFFSET, "");
  if (symbol === "" || symbol === "[unknown]") symbol = dso !== "" && dso !== "[unknown]" ? basename(dso) : "[unknown]";
  // C++ argument lists go; Go methods such as "main.(*T).m" and "(anonymous namespace)" stay.
  else if (!/\.\(.*\)\./.test(symbol))
    symbol = symbol.replace(/\((?!anonymous namespace\)).*/, "").trim() || "[unknown]";
  if (dso.startsWith("[kernel") || dso.endsWith(".ko") || dso === "[vdso]") return `${symbol}_[k]`;
  if (/perf-\d+\.map$/.test(dso)) return `${symbol}_[j]`;
  return symbol;
}

/**
 * Parses `perf script` output (samples recorded with `perf record -g`) into stacks, following
 * stackcollapse-perf.pl: a header line per sample, then one line per frame, leaf first, and a
 * blank line to end the sample. The process name is the root frame; `+0x..` offsets and C++
 * argument lists are stripped; an unknown symbol becomes its binary's name; kernel frames get
 * `_[k]` and JIT frames from a perf map `_[j]`. Output of `perf record` without -g (one line per
 * sample, the sampled function on it) gives one-frame stacks. Only the first event type is kept
 * (modifiers such as `:pppH` aside), and a note says how many samples of others were left out.
 * Each sample weighs 1. A line that is neither a header, a frame, a comment nor blank is an
 * error with its line number.
 */
export function parsePerfScript(text: string, source = "<input>"): StackProfile {
  const profile: StackProfile = { stacks: new Map(), unit: "samples" };
  let event: string | undefined;
  let comm: string | undefined;
  let keep = false;
  let frames: string[] = [];
  const dropped = new Map<string, number>();
  /** Whether a sample of `name` is kept: the first event seen is. */
  const keeps = (name: string): boolean => {
    const plain = name.replace(MODIFIERS, "");
    event ??= plain;
    if (plain !== event) dropped.set(plain, (dropped.get(plain) ?? 0) + 1);
    return plain === event;
  };
  const flush = () => {
    if (comm !== undefined && keep) addStack(profile, [comm, ...frames.reverse()], 1);
    comm = undefined;
    frames = [];
  };
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).replace(/\r$/, "");
    if (line.trim() === "") {
      flush();
      continue;
    }
    if (line.startsWith("#")) continue;
    const flat = comm === undefined ? FLAT.exec(line) : null;
    if (flat !== null) {
      if (keeps(flat[2] as string)) addStack(profile, [(flat[1] as string).trim(), frameName(flat[3] as string)], 1);
      continue;
    }
    const first = line.charCodeAt(0);
    if (first !== 32 && first !== 9) {
      const header = HEADER.exec(line);
      if (header === null) {
        throw new ProfileParseError(
          source,
          index + 1,
          `expected a sample header 'comm pid [cpu] time: period event:', got '${excerpt(line)}'`,
        );
      }
      flush();
      comm = (header[1] as string).trim();
      keep = keeps(header[2] as string);
      continue;
    }
    const frame = FRAME.exec(line);
    if (frame === null) {
      throw new ProfileParseError(
        source,
        index + 1,
        `expected a frame 'address symbol (binary)', got '${excerpt(line.trim())}'`,
      );
    }
    if (comm === undefined) throw new ProfileParseError(source, index + 1, "a frame line before any sample header");
    frames.push(frameName(frame[1] as string));
  }
  flush();
  if (dropped.size > 0) {
    const left = [...dropped.values()].reduce((a, b) => a + b, 0);
    profile.notes = [
      `kept the ${event} samples; left out ${left} of other events (${[...dropped.keys()].join(", ")}): record or script one event at a time to see them`,
    ];
  }
  return profile;
}
