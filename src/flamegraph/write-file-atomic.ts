import { dirname } from "node:path";
import { writeFileAtomic as writeNow } from "../atomic-file.js";
import { makeFolders } from "../output-path.js";

/** Writes `data` to `path` atomically (src/atomic-file.ts), creating the folder if needed. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  makeFolders(dirname(path));
  writeNow(path, data);
}
