import { writeSync } from "node:fs";

/**
 * Writes all of `data` to `fd`: write(2) may take only part of it (a file-size limit, a full
 * quota), and the call after a short one returns the error (EFBIG, ENOSPC) that says why.
 */
export function writeFully(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let offset = 0;
  while (offset < bytes.length) {
    const written = writeSync(fd, bytes, offset, bytes.length - offset);
    if (written <= 0) throw Object.assign(new Error("write made no progress"), { code: "EIO" });
    offset += written;
  }
}
