import { LeftoverJournalError } from "../errors.js";
import type { Journal } from "../journal/journal.js";
import { JournalLock } from "../journal/lock.js";

export type SessionOutcome = "completed" | "failed" | "reverted";

/**
 * One run's hold on the journal: the lock, a `begin` record before its first write and an `end`
 * record when it finishes. A `begin` without its `end` is what a crash leaves; until `recover`
 * closes it, no other run may tune.
 */
export class Session {
  private lock: JournalLock | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly stateDir: string,
  ) {}

  /** The refusal to tune while an interrupted run's journal is left, if it is. */
  leftover(): LeftoverJournalError | undefined {
    const state = this.journal.state();
    const others = state.interrupted.filter((record) => record.session !== this.journal.session);
    if (others.length === 0) return undefined;
    return new LeftoverJournalError(
      this.journal.path,
      others.map((record) => ({ session: record.session, pid: record.pid, at: record.at })),
      state.managed.length,
    );
  }

  /** Takes the lock, rereads the journal and begins; refuses (but for recover) while a crashed run's journal is left. */
  async begin(command: "apply" | "revert" | "recover"): Promise<void> {
    if (this.journal.inSession) return;
    this.lock = await JournalLock.acquire(this.stateDir);
    await this.journal.reload();
    const leftover = command === "recover" ? undefined : this.leftover();
    if (leftover !== undefined) {
      await this.release();
      throw leftover;
    }
    await this.journal.append({ type: "begin", pid: process.pid, command });
  }

  /** Ends the session (the changes stay in effect), drops the journal if nothing is left, releases the lock. */
  async end(outcome: SessionOutcome): Promise<void> {
    if (this.journal.inSession) {
      await this.journal.append({ type: "end", outcome });
      await this.journal.removeIfDone();
    }
    await this.release();
  }

  /** Closes the sessions a crash left open (after recover restored what they changed). */
  async closeInterrupted(): Promise<void> {
    for (const record of this.journal.state().interrupted) {
      if (record.session !== this.journal.session) {
        await this.journal.append({ type: "end", outcome: "reverted", session: record.session });
      }
    }
  }

  /** Forgets the journal under the lock. */
  async discard(): Promise<void> {
    this.lock = await JournalLock.acquire(this.stateDir);
    try {
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
