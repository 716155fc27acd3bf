import { closeSync, fsyncSync, openSync, renameSync, rmSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fsErrorCode, fsReason, OutputPathError } from "./output-path.js";
import { writeFully } from "./write-fully.js";

let counter = 0;

/** A hidden name beside `path` that no other writer uses: this process's id and a counter. */
export function temporaryBeside(path: string, tag = "tmp"): string {
  counter++;
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${counter}`);
}

/**
 * A file written in pieces that appears under its name only when complete: the text goes to a
 * hidden temporary file beside it, which `commit()` flushes and renames over the target (atomic
 * on POSIX file systems). `abort()`, or a crash, leaves the target untouched. Two files that
 * must change together are both `prepare()`d (written and made durable) before either commits.
 */
export class AtomicFile {
  readonly path: string;
  private readonly temporary: string;
  private fd: number | undefined;
  private prepared = false;
  private committed = false;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(path: string) {
    this.path = path;
    this.temporary = temporaryBeside(path);
    try {
      this.fd = openSync(this.temporary, "w");
    } catch (error) {
      throw asOutputError(path, error);
    }
  }

  /** Appends text (buffered; written in blocks of about 1 MiB). */
  write(text: string): void {
    if (this.prepared) throw new Error(`${this.path} was already prepared, committed or aborted`);
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= 1 << 20) this.failingSafely(() => this.flush());
  }

  /** Writes out what is buffered and makes it durable, leaving only the rename to `commit()`. */
  prepare(): void {
    if (this.prepared) return;
    this.failingSafely(() => {
      this.flush();
      const fd = this.open();
      fsyncSync(fd);
      // Forgotten before closing: a close that fails (EIO, EDQUOT on NFS) has still released it.
      this.fd = undefined;
      closeSync(fd);
    });
    this.prepared = true;
  }

  commit(): void {
    this.prepare();
    this.failingSafely(() => renameSync(this.temporary, this.path));
    this.committed = true;
  }

  /** Runs a step that touches the disk; if it fails, the temporary file goes and the error names the target. */
  private failingSafely(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.abort();
      throw asOutputError(this.path, error);
    }
  }

  abort(): void {
    if (this.committed) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      if (fd !== undefined) closeSync(fd);
    } catch {
      // the file goes anyway; the error that made us abort is the one to report
    }
    this.prepared = true; // nothing more may be written
    this.committed = true;
    try {
      unlinkSync(this.temporary);
    } catch {
      // already gone
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeFully(this.open(), this.pending.join(""));
    this.pending = [];
    this.pendingLength = 0;
  }

  private open(): number {
    if (this.fd === undefined) throw new Error(`${this.path} was already prepared, committed or aborted`);
    return this.fd;
  }
}

/** Writes a whole file atomically and durably (fsync before the rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeFilesTogether([{ path, data }]);
}

/**
 * Writes several files so that either all appear or none: each goes to a temporary file beside
 * it first, flushed, and only when every one is written are they renamed into place. A failure
 * before the renames removes the temporary files and leaves the targets untouched.
 */
export function writeFilesTogether(files: readonly { path: string; data: string | Uint8Array }[]): void {
  const written: { temporary: string; path: string }[] = [];
  try {
    for (const { path, data } of files) {
      const temporary = temporaryBeside(path);
      try {
        const fd = openSync(temporary, "w", 0o644);
        written.push({ temporary, path });
        try {
          writeFully(fd, data);
          fsyncSync(fd);
        } catch (error) {
          // The write's error is the one to report, not a close that fails after it.
          try {
            closeSync(fd);
          } catch {}
          throw error;
        }
        closeSync(fd);
      } catch (error) {
        throw asOutputError(path, error);
      }
    }
    for (const { temporary, path } of written) {
      try {
        renameSync(temporary, path);
      } catch (error) {
        throw asOutputError(path, error);
      }
    }
  } catch (error) {
    for (const { temporary } of written) rmSync(temporary, { force: true });
    throw error;
  }
}

/** A file-system failure writing `path`, named by the target rather than the temporary file. */
function asOutputError(path: string, error: unknown): unknown {
  return fsErrorCode(error) === undefined ? error : new OutputPathError(`cannot write ${path}: ${fsReason(error)}`);
}
