/**
 * The time average of a piecewise-constant quantity (busy servers, queue length, items stored):
 * the area under its step curve divided by the elapsed time. `reset` starts a new observation
 * window, e.g. after a warm-up period.
 */
export class TimeWeighted {
  private start: number;
  private lastTime: number;
  private current: number;
  private area = 0;
  private peak: number;

  constructor(now = 0, initial = 0) {
    this.start = now;
    this.lastTime = now;
    this.current = initial;
    this.peak = initial;
  }

  get value(): number {
    return this.current;
  }

  get max(): number {
    return this.peak;
  }

  update(now: number, value: number): void {
    this.area += this.current * (now - this.lastTime);
    this.lastTime = now;
    this.current = value;
    if (value > this.peak) this.peak = value;
  }

  /** Time-weighted mean from the window start until `now` (the current value if no time passed). */
  mean(now: number): number {
    const elapsed = now - this.start;
    if (elapsed <= 0) return this.current;
    return (this.area + this.current * (now - this.lastTime)) / elapsed;
  }

  reset(now: number): void {
    this.start = now;
    this.lastTime = now;
    this.area = 0;
    this.peak = this.current;
  }
}
