/**
 * What happens when the reader of twintune's output goes away (`twintune run | head -1`): Node
 * ignores SIGPIPE, so each later write fails with EPIPE, which would otherwise surface as a stack
 * trace (a terminal that hung up gives EIO the same way). Most commands then stop at once, as a program killed by SIGPIPE would, with the shell's
 * status for that (128 + 13). A command changing a host does not: stopping between two knob
 * writes would leave a half-applied change, so it finishes (or restores) with its output
 * dropped, and exits with its own status (1 when a knob could not be restored).
 */
export const EXIT_OUTPUT_CLOSED = 141;

let changesHost = false;

/** Installs the handling on the process's stdout and stderr; the executable calls it once. */
export function stopWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      // EPIPE: the reader of a pipe went away; EIO: the terminal hung up (a closed SSH session).
      if (error.code !== "EPIPE" && error.code !== "EIO") throw error;
      if (!changesHost) process.exit(EXIT_OUTPUT_CLOSED);
    });
  }
}

/**
 * Runs `work` (writes to a host and their journal) to its end even if the output closes
 * meanwhile; from then on a closed output never ends the process early, so the command's own
 * exit status (a failed restore's 1) is what the caller sees.
 */
export async function finishingHostChanges<T>(work: () => Promise<T>): Promise<T> {
  changesHost = true;
  return await work();
}
