import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { writeFileAtomic as writeNow } from "../atomic-file.js";

/** Writes `data` to `path` atomically (src/atomic-file.ts), creating the directory if needed. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  writeNow(path, data);
}
