import { randomBytes } from "node:crypto";
import { link, open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { makeFolders } from "../../src/output-path.js";
import { writeFully } from "../../src/write-fully.js";
import { hostFsError } from "../host-fs-error.js";
import { processStartTicks, sameProcessAlive } from "../process-identity.js";

/** Another twintune run holds the journal. */
export class JournalBusyError extends Error {
  constructor(
    readonly pid: number,
    readonly path: string,
  ) {
    super(
      `another twintune (pid ${pid}) is changing this host; wait for it to finish (lock ${path})${
        pid > 0 ? `, or, if it holds changes with --revert-on-exit, end it: kill -INT ${pid} restores them` : ""
      }`,
    );
    this.name = "JournalBusyError";
  }
}

/**
 * An exclusive lock on the state directory (`lock`, holding the pid and its start time), so two
 * runs never interleave journal records. The file is written whole under a private name and
 * link(2)ed into place, which fails if a lock exists: nobody ever sees an empty lock. A lock left
 * by a killed run (its pid gone, or reused by another process) is taken over by renaming it aside
 * first, so of two runs that find it stale only one moves it; that run's unfinished session is
 * then what `recover` restores.
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
    const mine = `${path}.${pid}.${randomBytes(4).toString("hex")}`;
    // The start time too: a pid reused by another process after a crash is not our holder.
    const started = processStartTicks(pid);
    await writeWhole(mine, started === undefined ? `${pid}\n` : `${pid} ${started}\n`);
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await link(mine, path);
          return new JournalLock(path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
        const holder = await readHolder(path);
        if (holder === undefined) continue; // released meanwhile: try again
        if (holder.pid !== pid && sameProcessAlive(holder.pid, holder.started))
          throw new JournalBusyError(holder.pid, path);
        // Stale. Moved aside, it is checked again: what was moved must be the lock judged stale,
        // not a live run's that took its place meanwhile (then it goes back).
        const aside = `${mine}.stale`;
        try {
          await rename(path, aside);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // another run moved it
          throw error;
        }
        const moved = await readHolder(aside);
        if (moved !== undefined && moved.pid !== pid && sameProcessAlive(moved.pid, moved.started)) {
          await link(aside, path).catch(() => undefined);
          await unlink(aside).catch(() => undefined);
          throw new JournalBusyError(moved.pid, path);
        }
        await unlink(aside).catch(() => undefined);
      }
    } finally {
      await unlink(mine).catch(() => undefined);
    }
    const holder = await readHolder(path);
    throw new JournalBusyError(holder?.pid ?? -1, path);
  }

  async release(): Promise<void> {
    await unlink(this.path).catch(() => undefined);
  }
}

/** The pid (and start time) a lock file names; undefined if it is gone. A file naming no pid (from an older twintune, or a full disk) holds nobody. */
async function readHolder(path: string): Promise<{ pid: number; started: number | undefined } | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const [pidText, startedText] = text.trim().split(/\s+/);
  const pid = Number.parseInt(pidText ?? "", 10);
  return {
    pid: Number.isSafeInteger(pid) && pid > 0 ? pid : -1,
    started: startedText === undefined ? undefined : Number(startedText),
  };
}

/** Creates `path` with `text`, synced; a short write (a full disk) fails and leaves no file. */
async function writeWhole(path: string, text: string): Promise<void> {
  const handle = await open(path, "wx", 0o600);
  try {
    writeFully(handle.fd, text);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
}
