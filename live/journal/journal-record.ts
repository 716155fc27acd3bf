import type { KnobRef, KnobValue } from "../../src/backend.js";
import { fail, numberedLines, ok, type Parsed } from "../parsers/parsed.js";

interface Base {
  v: 1;
  /** Wall-clock ms. */
  at: number;
  session: string;
}

/** A session (one apply, revert or recover run) starts: pid of the process. */
export interface BeginRecord extends Base {
  type: "begin";
  pid: number;
  /** When that process started (USER_HZ ticks after boot): with the pid, it tells a reused pid apart. */
  started?: number;
  command: string;
  /** The host tree the session changed (--root), when not the real host "/". */
  root?: string;
}

/** Before the first write to a knob: its value then, and what we were about to write. */
export interface OriginalRecord extends Base {
  type: "original";
  knob: KnobRef;
  path: string;
  original: KnobValue;
  intended: KnobValue;
  /** pid@starttime for process knobs. */
  identity?: string;
  /** Knobs the write resets (a scheduler's nr_requests and tunables), with their original values. */
  dependents?: { knob: KnobRef; value: KnobValue }[];
}

/** About to write a new value to a knob already managed (its original is saved already). */
export interface IntentRecord extends Base {
  type: "intent";
  knob: KnobRef;
  value: KnobValue;
}

/** A write succeeded and read back as `value` (or the kernel reset it to `value` as a side effect). */
export interface WrittenRecord extends Base {
  type: "written";
  knob: KnobRef;
  value: KnobValue;
}

/** The knob holds its original again (or the write never happened): no longer managed. */
export interface RevertedRecord extends Base {
  type: "reverted";
  knob: KnobRef;
  note?: string;
}

/** Someone else changed the knob: we let it be and stop managing it. */
export interface YieldedRecord extends Base {
  type: "yielded";
  knob: KnobRef;
  found: KnobValue;
}

export interface EndRecord extends Base {
  type: "end";
  outcome: "completed" | "failed" | "reverted";
}

export type JournalRecord =
  | BeginRecord
  | OriginalRecord
  | IntentRecord
  | WrittenRecord
  | RevertedRecord
  | YieldedRecord
  | EndRecord;

function isRef(value: unknown): value is KnobRef {
  const ref = value as KnobRef;
  return typeof ref === "object" && ref !== null && typeof ref.knob === "string" && typeof ref.target === "string";
}

/** A value a knob can hold: finite numbers (JSON reads 1e400 as Infinity), text, lists and maps of them. */
function isKnobValue(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value === "string" || typeof value === "boolean") return true;
  if (Array.isArray(value)) return value.every(isKnobValue);
  return typeof value === "object" && value !== null && Object.values(value).every(isKnobValue);
}

/** The shape check of one record: what the journal's readers rely on. */
function problem(record: Record<string, unknown>): string | undefined {
  if (record.v !== 1) return "unknown record version (expected v 1)";
  if (typeof record.session !== "string" || typeof record.at !== "number") return "no session or time";
  switch (record.type) {
    case "begin":
      return typeof record.pid === "number" &&
        typeof record.command === "string" &&
        (record.root === undefined || typeof record.root === "string")
        ? undefined
        : "begin without pid or command";
    case "original":
      if (!(isRef(record.knob) && typeof record.path === "string" && "original" in record && "intended" in record))
        return "original without knob, path, original or intended value";
      return isKnobValue(record.original) && isKnobValue(record.intended)
        ? undefined
        : "original or intended value is not a knob value (a finite number, text, or a list or map of them)";
    case "intent":
    case "written":
      if (!(isRef(record.knob) && "value" in record)) return `${record.type} without knob or value`;
      return isKnobValue(record.value) ? undefined : `${record.type}'s value is not a knob value`;
    case "reverted":
      return isRef(record.knob) ? undefined : "reverted without knob";
    case "yielded":
      return isRef(record.knob) && "found" in record ? undefined : "yielded without knob or found value";
    case "end":
      return ["completed", "failed", "reverted"].includes(record.outcome as string) ? undefined : "end without outcome";
    default:
      return `unknown record type ${JSON.stringify(record.type)}`;
  }
}

/**
 * The journal file: one JSON record per line, each appended and fsync'd. A last line cut short
 * by a crash (no newline at the end) is dropped; any other bad line is an error naming it.
 */
export function parseJournal(text: string, file: string): Parsed<JournalRecord[]> {
  const out: JournalRecord[] = [];
  const lines = numberedLines(text);
  const torn = text.length > 0 && !text.endsWith("\n");
  for (const [index, { text: line, line: number }] of lines.entries()) {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      if (torn && index === lines.length - 1) break;
      return fail(file, number, "not a JSON record");
    }
    if (typeof record !== "object" || record === null || Array.isArray(record))
      return fail(file, number, "not a JSON object");
    const wrong = problem(record as Record<string, unknown>);
    if (wrong !== undefined) {
      if (torn && index === lines.length - 1) break;
      return fail(file, number, wrong);
    }
    out.push(record as JournalRecord);
  }
  return ok(out);
}
