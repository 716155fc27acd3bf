import { createHash, randomBytes } from "node:crypto";
import { link, open, readdir, readFile, realpath, stat, unlink } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { basename, dirname, join } from "node:path";
import { makeFolders } from "../../src/output-path.js";
import { processAlive } from "../../src/process-alive.js";
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
      pid > 0
        ? `another twintune (pid ${pid}) is changing this host; wait for it to finish (lock ${path}), or, if it holds changes with --revert-on-exit, end it: kill -INT ${pid} restores them`
        : `another twintune is clearing a stale lock left by a killed run; try again in a moment (lock ${path})`,
    );
    this.name = "JournalBusyError";
  }
}

/**
 * An exclusive lock on the state directory (`lock`, holding the pid and its start time), so two
 * runs never interleave journal records. The file is written whole under a private name and
 * link(2)ed into place, which fails if a lock exists: nobody ever sees an empty lock. A lock left
 * by a killed run (its holder gone, or its pid now another process's) is removed by one run at a
 * time: the one that binds an abstract Unix socket named after the lock's path, which the kernel
 * frees when its process dies, however it dies or however long it pauses. Under it the holder is
 * judged again before the unlink. Nothing else but its own holder removes a lock, so a live one
 * is never moved or removed. The killed run's unfinished session is then what `recover` restores.
 * (Abstract sockets are per network namespace: runs sharing a state directory from different
 * namespaces would not exclude each other while breaking a stale lock.)
 */
export class JournalLock {
  private constructor(
    readonly path: string,
    private readonly inode: number,
    private readonly text: string,
  ) {}

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
    await removeLeftovers(dir);
    const mine = `${path}.${pid}.${randomBytes(4).toString("hex")}`;
    // The start time too: a pid reused by another process after a crash is not our holder.
    const started = processStartTicks(pid);
    const text = started === undefined ? `${pid}\n` : `${pid} ${started}\n`;
    await writeWhole(mine, text);
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          await link(mine, path);
          return new JournalLock(path, (await stat(path)).ino, text);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
        const holder = await readHolder(path);
        if (holder === undefined) continue; // released meanwhile: try again
        // The start time tells a live holder (this process too) from a dead one whose pid was reused.
        if (sameProcessAlive(holder.pid, holder.started)) throw new JournalBusyError(holder.pid, path);
        await breakStale(path, holder.inode);
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
      }
    } finally {
      await unlink(mine).catch(() => undefined);
    }
    // Still there after the tries: a live holder, or a stale lock another run is clearing.
    const holder = await readHolder(path);
    throw new JournalBusyError(
      holder !== undefined && sameProcessAlive(holder.pid, holder.started) ? holder.pid : -1,
      path,
    );
  }

  /** Removes the lock if it is still ours (the file we linked, naming us: a freed inode number is reused). */
  async release(): Promise<void> {
    const now = await stat(this.path).catch(() => undefined);
    const text = await readFile(this.path, "utf8").catch(() => undefined);
    if (now?.ino === this.inode && text === this.text) await unlink(this.path).catch(() => undefined);
  }
}

/**
 * Removes the lock judged stale (inode `inode`) as the one breaker: while this run holds the
 * breaker socket, nobody else removes the lock and no new one can be linked over it, so the file
 * judged stale again here is the one unlinked. Another run breaking now: this one tries again.
 */
async function breakStale(path: string, inode: number): Promise<void> {
  const breaker = await bindBreaker(path);
  if (breaker === undefined) return;
  try {
    const now = await readHolder(path);
    if (now !== undefined && now.inode === inode && !sameProcessAlive(now.pid, now.started)) await unlink(path);
  } finally {
    await new Promise<void>((resolve) => breaker.close(() => resolve()));
  }
}

/** The abstract socket that makes its process the one breaker of `path`'s lock; undefined if another holds it. */
async function bindBreaker(path: string): Promise<Server | undefined> {
  // Named by the state directory's real path: the same lock whatever path reached it.
  const where = await realpath(dirname(path)).catch(() => dirname(path));
  const id = createHash("sha256")
    .update(join(where, basename(path)))
    .digest("hex")
    .slice(0, 32);
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "EADDRINUSE" ? resolve(undefined) : reject(error),
    );
    server.listen(`\0twintune-lock-breaker-${id}`, () => {
      server.unref(); // never what keeps the process alive
      resolve(server);
    });
  });
}

/** Private lock files (`lock.<pid>.<hex>`) a killed run left behind: removed when their run is gone. */
async function removeLeftovers(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const match = /^lock\.(\d+)\.[0-9a-f]{8}$/.exec(name);
    if (match !== null && !processAlive(Number(match[1]))) await unlink(join(dir, name)).catch(() => undefined);
  }
}

/**
 * The pid (and start time) a lock file names, and its inode; undefined if it is gone. A file
 * naming no pid (from an older twintune, or a full disk) holds nobody.
 */
async function readHolder(
  path: string,
): Promise<{ pid: number; started: number | undefined; inode: number } | undefined> {
  let text: string;
  let inode: number;
  try {
    inode = (await stat(path)).ino;
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
    inode,
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
