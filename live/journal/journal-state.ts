import type { KnobRef, KnobValue } from "../../src/backend.js";
import { knobKey } from "../../src/tuners/tuner.js";
import type { BeginRecord, JournalRecord, OriginalRecord } from "./journal-record.js";

/** A knob twintune manages: its saved original and what it last wrote. */
export interface ManagedKnob {
  record: OriginalRecord;
  /** Undefined until a write was verified (a crash between journal and write leaves it so). */
  lastWritten?: KnobValue;
  /** The value the latest write was about to set (the original record's, or a later intent's). */
  intended: KnobValue;
  /** Order in which the originals were saved: revert runs in reverse. */
  seq: number;
  /** Position of the original record in the journal (orders it among the yields). */
  index: number;
}

export interface JournalState {
  /** Knobs still changed by twintune, in the order their originals were saved. */
  managed: ManagedKnob[];
  /** Sessions that began and never ended: a crashed or killed run. */
  interrupted: BeginRecord[];
  /** Knobs twintune stopped managing because someone else changed them. */
  yielded: { knob: KnobRef; found: KnobValue; at: number; index: number }[];
  /**
   * The host trees (--root; "/" for the real host; UNRECORDED_ROOT for an older journal) that the
   * managed knobs and open sessions belong to.
   */
  roots: string[];
}

/** The tree of a session begun before sessions recorded it (an older twintune): it acted on "/". */
export const UNRECORDED_ROOT = "(not recorded)";

/** Replays the records into the current state. */
export function journalState(records: readonly JournalRecord[]): JournalState {
  const managed = new Map<string, ManagedKnob>();
  const begun = new Map<string, BeginRecord>();
  const yielded: JournalState["yielded"] = [];
  const sessionRoots = new Map<string, string>();
  let seq = 0;
  for (const [index, record] of records.entries()) {
    switch (record.type) {
      case "begin":
        begun.set(record.session, record);
        sessionRoots.set(record.session, record.root ?? UNRECORDED_ROOT);
        break;
      case "end":
        begun.delete(record.session);
        break;
      case "original":
        // The first original wins: a later one for a knob still managed would be our own value.
        if (!managed.has(knobKey(record.knob))) {
          managed.set(knobKey(record.knob), { record, intended: record.intended, seq: seq++, index });
        }
        break;
      case "intent": {
        const entry = managed.get(knobKey(record.knob));
        if (entry) entry.intended = record.value;
        break;
      }
      case "written": {
        const entry = managed.get(knobKey(record.knob));
        if (entry) entry.lastWritten = record.value;
        break;
      }
      case "reverted":
        managed.delete(knobKey(record.knob));
        break;
      case "yielded":
        managed.delete(knobKey(record.knob));
        yielded.push({ knob: record.knob, found: record.found, at: record.at, index });
        break;
    }
  }
  const rootOf = (session: string) => sessionRoots.get(session) ?? UNRECORDED_ROOT;
  const roots = new Set([
    ...[...managed.values()].map((entry) => rootOf(entry.record.session)),
    ...[...begun.keys()].map(rootOf),
  ]);
  return {
    managed: [...managed.values()].sort((a, b) => a.seq - b.seq),
    interrupted: [...begun.values()],
    yielded,
    roots: [...roots].sort(),
  };
}
