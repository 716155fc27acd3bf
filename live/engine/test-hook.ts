import { writeFile } from "node:fs/promises";

/** Called by the writer between saving an original and writing the knob. */
export interface WriteHook {
  afterJournal(): Promise<void>;
}

export const NO_HOOK: WriteHook = { afterJournal: async () => {} };

/**
 * TEST ONLY: TWINTUNE_TEST_PAUSE_AFTER_JOURNAL="N:/path/to/marker" makes the N-th journal record
 * before a write create the marker file and then hang, so a test can kill -9 the run exactly
 * between journal and write and check that `live recover` restores every original. With
 * "N:MS:/path/to/marker" it waits MS milliseconds and goes on (a signal sent meanwhile then
 * arrives between two writes).
 */
export function writeHookFromEnv(env: Record<string, string | undefined>): WriteHook {
  const spec = env.TWINTUNE_TEST_PAUSE_AFTER_JOURNAL;
  const match = spec === undefined ? null : /^(\d+):(?:(\d+):)?(.+)$/.exec(spec);
  if (match === null) return NO_HOOK;
  const pauseAt = Number(match[1]);
  const resumeAfterMs = match[2] === undefined ? undefined : Number(match[2]);
  const marker = match[3] as string;
  let count = 0;
  return {
    async afterJournal() {
      count += 1;
      if (count !== pauseAt) return;
      await writeFile(marker, `${process.pid}\n`);
      if (resumeAfterMs !== undefined) await new Promise((resolve) => setTimeout(resolve, resumeAfterMs));
      else await new Promise<never>(() => setInterval(() => {}, 1 << 30)); // wait for the kill
    },
  };
}
