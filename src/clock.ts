/**
 * Time as the engine sees it, injected: the twin's clock advances the simulation, the live
 * clock waits on the wall. Engine code never reads the system clock itself.
 */
export interface Clock {
  /** Milliseconds: simulated time on the twin, Unix epoch time on a live host. */
  now(): number;
  /** Lets `ms` milliseconds pass (on the twin: simulates them). */
  sleep(ms: number): Promise<void>;
}
