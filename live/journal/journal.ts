import { open, readFile, truncate, unlink } from "node:fs/promises";
import { join } from "node:path";
import { type KnobRef, type KnobValue, sameKnobValue } from "../../src/backend.js";
import { makeFolders } from "../../src/output-path.js";
import { knobKey } from "../../src/tuners/tuner.js";
import { writeFully } from "../../src/write-fully.js";
import { hostFsError } from "../host-fs-error.js";
import { unwrap } from "../parsers/parsed.js";
import { type JournalRecord, parseJournal } from "./journal-record.js";
import { type JournalState, journalState, type ManagedKnob } from "./journal-state.js";

/** A record as callers give it: the journal adds version, time and session. */
type NewRecord = JournalRecord extends infer R
  ? R extends JournalRecord
    ? Omit<R, "v" | "at" | "session"> & { session?: string }
    : never
  : never;

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The append-only journal of every original value twintune saved before a write (like tuned's
 * save file, but fsync'd per record, so a crash right after a record loses nothing). One file,
 * `<state dir>/journal.jsonl`; records of one run share its session id.
 */
export class Journal {
  readonly path: string;
  private records: JournalRecord[] = [];

  private constructor(
    readonly dir: string,
    private readonly now: () => number,
    readonly session: string,
  ) {
    this.path = join(dir, "journal.jsonl");
  }

  /** Loads the journal (absent = empty). A malformed line throws a ParseError naming it. */
  static async open(dir: string, now: () => number, session: string): Promise<Journal> {
    const journal = new Journal(dir, now, session);
    await journal.reload();
    return journal;
  }

  /** Reads the file again (another run may have written it before we took the lock). */
  async reload(): Promise<void> {
    let text = "";
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw hostFsError("read", this.path, error);
    }
    this.records = unwrap(parseJournal(text, this.path));
  }

  state(): JournalState {
    return journalState(this.records);
  }

  managed(ref: KnobRef): ManagedKnob | undefined {
    return this.state().managed.find((entry) => knobKey(entry.record.knob) === knobKey(ref));
  }

  /** Whether this run's session has begun (and not ended). */
  get inSession(): boolean {
    return this.state().interrupted.some((record) => record.session === this.session);
  }

  /** Appends one record and fsyncs it (and the directory, when the file is new) before returning. */
  async append(record: NewRecord): Promise<void> {
    const full = { v: 1, at: this.now(), session: this.session, ...record } as JournalRecord;
    try {
      makeFolders(this.dir, 0o700);
      const created = this.records.length === 0;
      await this.dropTornTail();
      const handle = await open(this.path, "a", 0o600);
      try {
        const before = (await handle.stat()).size;
        try {
          // All of it or an error: a full disk takes part of a record and fails only the next write.
          writeFully(handle.fd, `${JSON.stringify(full)}\n`);
          await handle.sync();
        } catch (error) {
          // The journal keeps saying what it said: no torn record left for the next append to drop.
          await handle.truncate(before).catch(() => undefined);
          throw error;
        }
      } finally {
        await handle.close();
      }
      if (created) await fsyncDirectory(this.dir);
    } catch (error) {
      throw hostFsError("write", this.path, error);
    }
    this.records.push(full);
  }

  /**
   * A crash (or a full disk) mid-append leaves a last line without its newline, which reading
   * ignores; appending after it would glue the next record to it and make the journal unreadable.
   * So the torn part goes before the first append: what the journal said is unchanged.
   */
  private async dropTornTail(): Promise<void> {
    let text: Buffer;
    try {
      text = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    if (text.length === 0 || text[text.length - 1] === 0x0a) return;
    await truncate(this.path, text.lastIndexOf(0x0a) + 1);
  }

  /** Records a write unless the last record of that knob already says the same. */
  async written(ref: KnobRef, value: KnobValue): Promise<void> {
    const entry = this.managed(ref);
    if (entry?.lastWritten !== undefined && sameKnobValue(entry.lastWritten, value)) return;
    await this.append({ type: "written", knob: ref, value });
  }

  /** Removes the file once nothing is managed and no session is open: the host holds only its own values. */
  async removeIfDone(): Promise<boolean> {
    const state = this.state();
    if (state.managed.length > 0 || state.interrupted.length > 0) return false;
    try {
      await unlink(this.path);
      await fsyncDirectory(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    this.records = [];
    return true;
  }

  /** Forgets everything (the user chose to keep the current values after a crash). */
  async discard(): Promise<void> {
    try {
      await unlink(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    this.records = [];
  }

  all(): readonly JournalRecord[] {
    return this.records;
  }
}
