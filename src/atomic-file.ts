import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * A file written in pieces that appears under its name only when complete: the text goes to a
 * hidden temporary file beside it, which `commit()` flushes and renames over the target (atomic
 * on POSIX file systems). `abort()`, or a crash, leaves the target untouched.
 */
export class AtomicFile {
  readonly path: string;
  private readonly temporary: string;
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(path: string) {
    this.path = path;
    this.temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    this.fd = openSync(this.temporary, "w");
  }

  /** Appends text (buffered; written in blocks of about 1 MiB). */
  write(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= 1 << 20) this.flush();
  }

  commit(): void {
    this.flush();
    const fd = this.open();
    fsyncSync(fd);
    closeSync(fd);
    this.fd = undefined;
    renameSync(this.temporary, this.path);
  }

  abort(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    try {
      unlinkSync(this.temporary);
    } catch {
      // already gone
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.open(), this.pending.join(""));
    this.pending = [];
    this.pendingLength = 0;
  }

  private open(): number {
    if (this.fd === undefined) throw new Error(`${this.path} was already committed or aborted`);
    return this.fd;
  }
}

/** Writes a whole file atomically. */
export function writeFileAtomic(path: string, text: string): void {
  const file = new AtomicFile(path);
  try {
    file.write(text);
    file.commit();
  } catch (error) {
    file.abort();
    throw error;
  }
}
