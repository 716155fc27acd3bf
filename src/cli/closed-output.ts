/**
 * What happens when the reader of twintune's output goes away (`twintune run | head -1`): Node
 * ignores SIGPIPE, so the next write fails with EPIPE, which would otherwise surface as a stack
 * trace. Most commands then stop at once, as a program killed by SIGPIPE would, with the shell's
 * status for that (128 + 13). A command changing a host does not: stopping between two knob
 * writes would leave a half-applied change, so it finishes (or reverts) with its output dropped.
 */
export const EXIT_OUTPUT_CLOSED = 141;

let hostChangesInFlight = 0;
let outputClosed = false;

/** Installs the handling on the process's stdout and stderr; the executable calls it once. */
export function stopWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      // After the first EPIPE, writes to the destroyed stream fail too; they are the same news.
      if (error.code !== "EPIPE" && !(outputClosed && error.code === "ERR_STREAM_DESTROYED")) throw error;
      outputClosed = true;
      if (hostChangesInFlight === 0) process.exit(EXIT_OUTPUT_CLOSED);
    });
  }
}

/** Runs `work` (writes to a host and their journal) to its end even if the output closes meanwhile. */
export async function finishingHostChanges<T>(work: () => Promise<T>): Promise<T> {
  hostChangesInFlight++;
  try {
    return await work();
  } finally {
    hostChangesInFlight--;
  }
}
