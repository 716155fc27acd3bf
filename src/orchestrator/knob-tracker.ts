import { type KnobValue, sameKnobValue } from "../backend.js";

interface KnobRecord {
  values: KnobValue[];
  consecutiveFailures: number;
  frozen: string | undefined;
}

/**
 * Remembers each knob's history to stop two failure modes users report of auto-tuners
 * (kubernetes/autoscaler#4148, Irqbalance/irqbalance#355, oracle/bpftune#103): oscillation (a knob
 * moved back and forth `oscillationLimit` times is frozen) and repeated failure (a knob whose
 * changes failed `failureLimit` times in a row is disabled).
 */
export class KnobTracker {
  private readonly knobs = new Map<string, KnobRecord>();

  constructor(
    private readonly oscillationLimit: number,
    private readonly failureLimit: number,
  ) {}

  private record(key: string, initial: KnobValue): KnobRecord {
    let record = this.knobs.get(key);
    if (record === undefined) {
      record = { values: [initial], consecutiveFailures: 0, frozen: undefined };
      this.knobs.set(key, record);
    }
    return record;
  }

  /** Why the knob may not be changed, or undefined if it may. */
  blocked(key: string): string | undefined {
    return this.knobs.get(key)?.frozen;
  }

  /**
   * Notes that the knob took `value` (after `previous`). Returns a reason when this makes it
   * oscillate: its value returned to one it had left, `oscillationLimit` times.
   */
  moved(key: string, previous: KnobValue, value: KnobValue): string | undefined {
    const record = this.record(key, previous);
    record.values.push(value);
    let reversals = 0;
    for (let i = 2; i < record.values.length; i++) {
      if (sameKnobValue(record.values[i] as KnobValue, record.values[i - 2] as KnobValue)) reversals++;
    }
    if (reversals >= this.oscillationLimit && record.frozen === undefined) {
      record.frozen = `oscillating: moved back and forth ${reversals} times`;
      return record.frozen;
    }
    return undefined;
  }

  /**
   * Notes that the orchestrator undid the knob's last move (a rollback, an operator's revert): the
   * move is cancelled, not a move back. A rolled-back change counts as a failure (see `failed`),
   * so a change reverted again and again is disabled as failing, not frozen as oscillating.
   */
  undone(key: string): void {
    const record = this.knobs.get(key);
    if (record !== undefined && record.values.length > 1) record.values.pop();
  }

  /** Stops the knob from being tuned again (an operator undid its change); returns the reason, or undefined if it already was. */
  hold(key: string, current: KnobValue, reason: string): string | undefined {
    const record = this.record(key, current);
    if (record.frozen !== undefined) return undefined;
    record.frozen = reason;
    return reason;
  }

  succeeded(key: string): void {
    const record = this.knobs.get(key);
    if (record !== undefined) record.consecutiveFailures = 0;
  }

  /** Notes a failed or rolled-back change; returns a reason when the knob is now disabled. */
  failed(key: string, current: KnobValue): string | undefined {
    const record = this.record(key, current);
    record.consecutiveFailures++;
    if (record.consecutiveFailures >= this.failureLimit && record.frozen === undefined) {
      record.frozen = `disabled after ${record.consecutiveFailures} failures in a row`;
      return record.frozen;
    }
    return undefined;
  }
}
