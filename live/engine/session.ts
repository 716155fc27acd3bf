import { join } from "node:path";
import { JournalRootError, LeftoverJournalError } from "../errors.js";
import type { Journal } from "../journal/journal.js";
import type { BeginRecord } from "../journal/journal-record.js";
import { UNRECORDED_ROOT } from "../journal/journal-state.js";
import { JournalBusyError, JournalLock } from "../journal/lock.js";
import { processStartTicks, sameProcessAlive } from "../process-identity.js";

export type SessionOutcome = "completed" | "failed" | "reverted";

/**
 * One run's hold on the journal: the lock, a `begin` record before its first write and an `end`
 * record when it finishes. A `begin` without its `end` is what a crash leaves; until `recover`
 * closes it, no other run may tune.
 */
/** A journal written before sessions recorded their tree: taken as the real host's, as then. */
function sameTree(journalRoot: string, root: string): boolean {
  return journalRoot === root || (journalRoot === UNRECORDED_ROOT && root === "/");
}

/** An open session's process is alive, and is not this one (a crashed run of ours with our pid, in a container). */
export function sessionAlive(record: BeginRecord): boolean {
  return record.pid !== process.pid && sameProcessAlive(record.pid, record.started);
}

export class Session {
  private lock: JournalLock | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly stateDir: string,
    /** The host tree this run changes: "/" for the real host, else --root resolved. */
    private readonly root: string,
  ) {}

  /**
   * The refusal to tune while another run's session is open: one still running (its process is
   * alive: wait for it), or one a crash interrupted (recover first). `underLock`: this run holds
   * the lock, which a running run would hold, so every other open session is a crashed one, even
   * if its pid now belongs to another process.
   */
  leftover(underLock = false): LeftoverJournalError | JournalBusyError | undefined {
    const state = this.journal.state();
    const others = state.interrupted.filter((record) => record.session !== this.journal.session);
    const running = underLock ? undefined : others.find((record) => sessionAlive(record));
    if (running !== undefined) return new JournalBusyError(running.pid, join(this.stateDir, "lock"));
    if (others.length === 0) return undefined;
    return new LeftoverJournalError(
      this.journal.path,
      others.map((record) => ({ session: record.session, pid: record.pid, at: record.at })),
      state.managed.length,
    );
  }

  /** The refusal to act on this journal from another host tree than the one its changes were made to. */
  private otherTree(): JournalRootError | undefined {
    const elsewhere = this.journal.state().roots.find((root) => !sameTree(root, this.root));
    return elsewhere === undefined ? undefined : new JournalRootError(this.journal.path, elsewhere, this.root);
  }

  /** Takes the lock, rereads the journal and begins; refuses (but for recover) while a crashed run's journal is left. */
  async begin(command: "apply" | "revert" | "recover"): Promise<void> {
    if (this.journal.inSession) return;
    this.lock = await JournalLock.acquire(this.stateDir);
    await this.journal.reload();
    const refusal = this.otherTree() ?? (command === "recover" ? undefined : this.leftover(true));
    if (refusal !== undefined) {
      await this.release();
      throw refusal;
    }
    const started = processStartTicks(process.pid);
    await this.journal.append({
      type: "begin",
      pid: process.pid,
      ...(started === undefined ? {} : { started }),
      command,
      root: this.root,
    });
  }

  /** Ends the session (the changes stay in effect), drops the journal if nothing is left, releases the lock. */
  async end(outcome: SessionOutcome): Promise<void> {
    try {
      if (this.journal.inSession) {
        await this.journal.append({ type: "end", outcome });
        await this.journal.removeIfDone();
      }
    } finally {
      // Even when the end cannot be recorded (a full disk): the session then reads as interrupted.
      await this.release();
    }
  }

  /** Closes the sessions a crash left open (after recover restored what they changed). */
  async closeInterrupted(): Promise<void> {
    for (const record of this.journal.state().interrupted) {
      if (record.session !== this.journal.session) {
        await this.journal.append({ type: "end", outcome: "reverted", session: record.session });
      }
    }
  }

  /** Forgets the journal under the lock (only from the tree its changes were made to). */
  async discard(): Promise<void> {
    this.lock = await JournalLock.acquire(this.stateDir);
    try {
      await this.journal.reload();
      const refusal = this.otherTree();
      if (refusal !== undefined) throw refusal;
      await this.journal.discard();
    } finally {
      await this.release();
    }
  }

  private async release(): Promise<void> {
    await this.lock?.release();
    this.lock = undefined;
  }
}
