import { closeSync, openSync, readSync } from "node:fs";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Calls `onLine(text, lineNumber)` for every line of a file (1-based numbers; `\n` or `\r\n`
 * endings; a UTF-8 byte-order mark dropped), reading 1 MiB at a time so a trace of any size
 * streams through a fixed buffer. Each block is decoded up to its last newline byte, which never
 * occurs inside a multi-byte UTF-8 character; the rest moves to the next block. Returns the
 * number of lines.
 */
export function forEachLine(path: string, onLine: (text: string, lineNumber: number) => void): number {
  const fd = openSync(path, "r");
  try {
    let buffer = Buffer.allocUnsafe(CHUNK);
    let kept = 0;
    let lineNumber = 0;
    let first = true;
    for (;;) {
      if (kept === buffer.length) {
        // A line longer than the buffer: grow it.
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, kept);
        buffer = grown;
      }
      const bytes = readSync(fd, buffer, kept, buffer.length - kept, null);
      const end = kept + bytes;
      const last = bytes === 0 ? end : buffer.lastIndexOf(NEWLINE, end - 1);
      if (last === -1 || (last < kept && bytes > 0)) {
        kept = end;
        continue;
      }
      const stop = bytes === 0 ? end : last + 1;
      let text = buffer.toString("utf8", 0, stop);
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      let start = 0;
      while (start < text.length) {
        let newline = text.indexOf("\n", start);
        if (newline === -1) newline = text.length;
        const lineEnd = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
        onLine(text.slice(start, lineEnd), ++lineNumber);
        start = newline + 1;
      }
      if (bytes === 0) break;
      buffer.copy(buffer, 0, stop, end);
      kept = end - stop;
    }
    return lineNumber;
  } finally {
    closeSync(fd);
  }
}
