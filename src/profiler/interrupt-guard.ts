/**
 * While a profiled program runs: on Ctrl-C, a TERM or a hangup, stop the program (the abort
 * signal kills it with SIGINT, in case the signal reached twintune alone), remove what the
 * recording left on disk, and die of the same signal, so the shell sees the usual status (130
 * for Ctrl-C). Call `dispose()` when the program has ended.
 */
export function interruptGuard(cleanup: () => void): { signal: AbortSignal; dispose(): void } {
  const stop = new AbortController();
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const dispose = () => {
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stop.abort();
    cleanup();
    dispose();
    process.kill(process.pid, signal);
  };
  for (const signal of signals) process.once(signal, onSignal);
  return { signal: stop.signal, dispose };
}
