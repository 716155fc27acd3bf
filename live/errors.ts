import {
  KnobPermissionError,
  type KnobRef,
  KnobUnavailableError,
  type KnobValue,
  KnobValueError,
} from "../src/backend.js";
import { HostFsError } from "./host-fs-error.js";
import { UNRECORDED_ROOT } from "./journal/journal-state.js";
import { WriteRefusedError } from "./write-allow-list.js";

/** A write was accepted but the knob reads back something else; the old value was put back. */
export class KnobVerifyError extends Error {
  constructor(
    readonly knob: KnobRef,
    readonly expected: KnobValue,
    readonly found: KnobValue,
    why?: string,
  ) {
    super(
      why === undefined
        ? `${knob.knob} on ${knob.target}: wrote ${JSON.stringify(expected)} but it reads back ${JSON.stringify(found)}; the previous value was restored`
        : `${knob.knob} on ${knob.target}: ${why}; the previous value was restored`,
    );
    this.name = "KnobVerifyError";
  }
}

/** A crashed or killed run left changes in the journal: no tuning until they are recovered or discarded. */
export class LeftoverJournalError extends Error {
  constructor(
    readonly journalPath: string,
    readonly sessions: { session: string; pid: number; at: number }[],
    readonly knobs: number,
  ) {
    super(
      `an interrupted run (pid ${sessions.map((s) => s.pid).join(", ")}) left ${knobs} changed knob(s) in ${journalPath}; ` +
        "run 'twintune live recover' to restore the originals, or 'twintune live recover --discard' to keep the current values",
    );
    this.name = "LeftoverJournalError";
  }
}

/**
 * The journal holds changes made to another host tree (--root) than this run's: restoring them
 * here would write the wrong files, so nothing runs until the trees match.
 */
export class JournalRootError extends Error {
  constructor(
    readonly journalPath: string,
    readonly journalRoot: string,
    readonly root: string,
  ) {
    const named = (tree: string) => (tree === "/" ? "the real host (no --root)" : `--root ${tree}`);
    super(
      journalRoot === UNRECORDED_ROOT
        ? `${journalPath} holds changes from an older twintune that did not record their host tree, ` +
            "taken as the real host's: run with no --root if they were made to this host; if to a copied tree, " +
            "'twintune live recover --discard' (no --root) forgets them"
        : `${journalPath} holds changes made to ${named(journalRoot)}, not to ${named(root)}: ` +
            `run with ${journalRoot === "/" ? "no --root" : `--root ${journalRoot}`}, or give this tree its own --state-dir`,
    );
    this.name = "JournalRootError";
  }
}

/** The backend error a failed host write means, naming the knob and the path. */
export function knobWriteError(ref: KnobRef, path: string, error: unknown): Error {
  if (error instanceof WriteRefusedError) return new KnobPermissionError(ref, error.path, error.reason);
  if (!(error instanceof HostFsError)) return error as Error;
  // The message without its "cannot write PATH: " (a command's PATH has spaces: taskset -a -p ...).
  const prefix = `cannot ${error.op} ${error.path}: `;
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  if (error.denied) return new KnobPermissionError(ref, error.path || path, detail);
  if (error.code === "ENOENT") return new KnobUnavailableError(ref, `${error.path || path}: ${detail}`);
  if (["EINVAL", "ERANGE", "EOPNOTSUPP", "EBUSY", "ENOSPC"].includes(error.code)) {
    return new KnobValueError(ref, `the kernel refused it (${error.code}: ${detail}) at ${error.path || path}`);
  }
  return error;
}
