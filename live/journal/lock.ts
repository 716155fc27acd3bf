import { open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { makeFolders } from "../../src/output-path.js";
import { hostFsError } from "../host-fs-error.js";
import { processStartTicks, sameProcessAlive } from "../process-identity.js";

/** Another twintune run holds the journal. */
export class JournalBusyError extends Error {
  constructor(
    readonly pid: number,
    readonly path: string,
  ) {
    super(`another twintune (pid ${pid}) is changing this host; wait for it to finish (lock ${path})`);
    this.name = "JournalBusyError";
  }
}

/**
 * An exclusive lock on the state directory (`lock`, created O_EXCL, holding the pid and its start
 * time), so two runs never interleave journal records. A lock left by a killed run (its pid gone,
 * or reused by another process) is taken over: that
 * run's unfinished session is then what `recover` restores.
 */
export class JournalLock {
  private constructor(readonly path: string) {}

  static async acquire(dir: string, pid = process.pid): Promise<JournalLock> {
    const path = join(dir, "lock");
    try {
      return await JournalLock.take(dir, path, pid);
    } catch (error) {
      if (error instanceof JournalBusyError) throw error;
      throw hostFsError("write", path, error);
    }
  }

  private static async take(dir: string, path: string, pid: number): Promise<JournalLock> {
    makeFolders(dir, 0o700);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, "wx", 0o600);
        try {
          // The start time too: a pid reused by another process after a crash is not our holder.
          const started = processStartTicks(pid);
          await handle.write(started === undefined ? `${pid}\n` : `${pid} ${started}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        return new JournalLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const [holderText, startedText] = (await readFile(path, "utf8").catch(() => "")).trim().split(/\s+/);
        const holder = Number.parseInt(holderText ?? "", 10);
        const started = startedText === undefined ? undefined : Number(startedText);
        if (Number.isSafeInteger(holder) && holder !== pid && sameProcessAlive(holder, started))
          throw new JournalBusyError(holder, path);
        await unlink(path).catch(() => undefined); // stale: its holder is gone (or its pid is another process's now)
      }
    }
    throw new JournalBusyError(-1, path);
  }

  async release(): Promise<void> {
    await unlink(this.path).catch(() => undefined);
  }
}
