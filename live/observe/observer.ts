import type { Observation } from "../../src/backend.js";
import type { Clock } from "../../src/clock.js";
import type { HostFs } from "../host-fs.js";
import { type HostSnapshot, readHostSnapshot } from "./host-snapshot.js";
import { observationBetween } from "./observation.js";

/** Keeps the last snapshot, so each observation covers the interval since the previous one. */
export class Observer {
  private previous: HostSnapshot | undefined;

  constructor(
    private readonly fs: HostFs,
    private readonly clock: Clock,
    private readonly pids: readonly number[],
  ) {}

  /** Since the previous call; the first call waits `firstWindowMs` to have an interval. */
  async observe(disks: readonly string[], firstWindowMs: number): Promise<Observation> {
    if (this.previous === undefined) {
      this.previous = await readHostSnapshot(this.fs, this.clock.now(), this.pids);
      await this.clock.sleep(firstWindowMs);
    }
    const current = await readHostSnapshot(this.fs, this.clock.now(), this.pids);
    const observation = observationBetween(this.previous, current, { disks });
    this.previous = current;
    return observation;
  }

  /** A fresh window of `windowMs` starting now. */
  async observeOver(disks: readonly string[], windowMs: number): Promise<Observation> {
    this.previous = undefined;
    return this.observe(disks, windowMs);
  }
}
