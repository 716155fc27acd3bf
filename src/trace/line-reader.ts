import { closeSync, openSync, readSync } from "node:fs";

const CHUNK = 1 << 20;

/**
 * Calls `onLine(text, lineNumber)` for every line of a file (1-based numbers; `\n` or `\r\n`
 * endings; a UTF-8 byte-order mark dropped), reading 1 MiB at a time so a trace of any size
 * streams through a fixed buffer. Returns the number of lines.
 */
export function forEachLine(path: string, onLine: (text: string, lineNumber: number) => void): number {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    const decoder = new TextDecoder("utf-8", { fatal: false });
    let carry = "";
    let lineNumber = 0;
    let first = true;
    for (;;) {
      const bytes = readSync(fd, buffer, 0, CHUNK, null);
      let text = carry + decoder.decode(buffer.subarray(0, bytes), { stream: bytes > 0 });
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      let start = 0;
      for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
        const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
        onLine(text.slice(start, end), ++lineNumber);
        start = newline + 1;
      }
      carry = text.slice(start);
      if (bytes === 0) break;
    }
    if (carry.length > 0) onLine(carry.endsWith("\r") ? carry.slice(0, -1) : carry, ++lineNumber);
    return lineNumber;
  } finally {
    closeSync(fd);
  }
}
