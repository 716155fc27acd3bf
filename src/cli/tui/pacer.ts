/** The wall clock and timers the pacer uses; tests pass a fake. */
export interface PacerTimers {
  now(): number;
  /** Calls `callback` after `ms`; returns a function that cancels it. */
  after(ms: number, callback: () => void): () => void;
}

export const REAL_TIMERS: PacerTimers = {
  now: () => Date.now(),
  after: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** Speeds in simulated minutes per wall-clock second; Infinity: as fast as the simulation runs. */
export const SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 5, 10, 30, 60, Number.POSITIVE_INFINITY];

export function speedLabel(speed: number): string {
  return Number.isFinite(speed) ? `${speed} min/s` : "max speed";
}

/**
 * Paces a simulation for a watcher. The simulation asks `wait(t)` before it goes past simulated
 * time t (ms since the start) and goes on when the pacer's clock has reached t: that clock runs
 * at the chosen simulated minutes per wall second, stands still while paused, and never runs
 * ahead of the simulation (a simulation slower than the speed just runs as fast as it can, and
 * does not then rush to catch up). One wait at a time: a new one replaces the previous.
 */
export class Pacer {
  private index: number;
  private paused = false;
  /** The pacer's clock: at wall time `since` it stood at simulated `position` (ms). */
  private position = 0;
  private since: number;
  private waiting: { at: number; resolve: () => void; cancel?: () => void } | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    initialSpeed: number,
    private readonly timers: PacerTimers = REAL_TIMERS,
    private readonly speeds: readonly number[] = SPEEDS,
  ) {
    const exact = speeds.indexOf(initialSpeed);
    this.index = exact >= 0 ? exact : speeds.findIndex((s) => s >= initialSpeed);
    if (this.index < 0) this.index = speeds.length - 1;
    this.since = timers.now();
  }

  get speed(): number {
    return this.speeds[this.index] as number;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Called after every change of speed or pause. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Simulated ms the pacer's clock stands at now. */
  clock(): number {
    // Unpaced, the clock is wherever the simulation last got to.
    if (this.paused || !Number.isFinite(this.speed)) return this.position;
    const elapsed = this.timers.now() - this.since;
    return this.position + elapsed * this.simMsPerWallMs();
  }

  /** Resolves when the simulation may go past simulated time `at` (ms since the start). */
  wait(at: number): Promise<void> {
    this.settle();
    this.waiting?.cancel?.();
    return new Promise((resolve) => {
      this.waiting = { at, resolve };
      this.schedule();
    });
  }

  togglePause(): void {
    this.rebase();
    this.paused = !this.paused;
    this.schedule();
    this.changed();
  }

  faster(): void {
    this.setIndex(this.index + 1);
  }

  slower(): void {
    this.setIndex(this.index - 1);
  }

  private setIndex(index: number): void {
    const next = Math.max(0, Math.min(this.speeds.length - 1, index));
    if (next === this.index) return;
    this.rebase();
    this.index = next;
    this.schedule();
    this.changed();
  }

  private simMsPerWallMs(): number {
    // speed minutes per second = speed·60 000 simulated ms per 1 000 wall ms.
    return this.speed * 60;
  }

  private rebase(): void {
    this.position = this.clock();
    this.since = this.timers.now();
  }

  /** Forget a wait that was superseded (its simulation moved on). */
  private settle(): void {
    if (this.waiting === undefined) return;
    this.waiting.cancel?.();
    this.waiting = undefined;
  }

  private schedule(): void {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    waiting.cancel?.();
    waiting.cancel = undefined;
    if (this.paused) return;
    const ahead = waiting.at - this.clock();
    if (ahead <= 0 || !Number.isFinite(this.speed)) {
      // The simulation is behind the clock (or unpaced): let it go, and restart the clock from
      // where it is so it does not build up credit and rush later.
      this.position = waiting.at;
      this.since = this.timers.now();
      this.waiting = undefined;
      waiting.resolve();
      return;
    }
    waiting.cancel = this.timers.after(ahead / this.simMsPerWallMs(), () => {
      waiting.cancel = undefined;
      this.schedule();
    });
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
