import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Vitest global setup: the run gets a temporary folder of its own as TMPDIR, removed when the run
 * ends. The tests' temporary files, and those of the twintune processes they spawn, land there,
 * so a test that is interrupted, or that forgets one of its folders, leaves nothing in /tmp.
 */
export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), "twintune-tests-"));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch (error) {
      // A tmpfs a failed test left mounted there, for one: say so rather than fail the run.
      console.warn(`twintune tests: could not remove ${folder}: ${(error as Error).message}`);
    }
  };
}
