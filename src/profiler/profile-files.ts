import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

export type ProfileType = "cpu" | "heap" | "eventloop";

/** File name suffixes: the unit goes in the folded name (".us.folded") since folded text cannot say it. */
export const SUFFIXES = {
  pprof: ".pb.gz",
  cpuFolded: ".us.folded",
  heapFolded: ".bytes.folded",
  eventloop: ".json",
} as const;

const OURS = /^(cpu|heap|eventloop)-\d{8}T\d{9}Z-\d+(\.pb\.gz|\.us\.folded|\.bytes\.folded|\.json)$/;

/** "cpu-20250101T120000123Z-4242": type, UTC start to the millisecond, process id. */
export function profileStem(type: ProfileType, startMs: number, pid: number): string {
  const stamp = new Date(startMs).toISOString().replace(/[-:.]/g, "");
  return `${type}-${stamp}-${pid}`;
}

/**
 * Deletes this profiler's files in `dir` last modified more than `retentionDays` ago (files it
 * did not name are never touched). Returns the deleted paths.
 */
export async function pruneOldProfiles(dir: string, retentionDays: number, nowMs: number): Promise<string[]> {
  const cutoff = nowMs - retentionDays * 86_400_000;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const deleted: string[] = [];
  for (const name of names) {
    if (!OURS.test(name)) continue;
    const path = join(dir, name);
    try {
      if ((await stat(path)).mtimeMs < cutoff) {
        await rm(path, { force: true });
        deleted.push(path);
      }
    } catch {
      // Gone already (another profiler pruning the same folder): nothing to do.
    }
  }
  return deleted;
}
