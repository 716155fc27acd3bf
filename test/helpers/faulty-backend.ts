import type {
  ApplyOptions,
  Backend,
  Change,
  KnobRef,
  KnobValue,
  Observation,
  Receipt,
  Topology,
} from "../../src/backend.js";

/**
 * A Backend decorator that injects faults: knob writes that fail, observations with a gap (no
 * service figures), and a load spike (latency multiplied) for a while.
 */
export class FaultyBackend implements Backend {
  readonly kind;
  readonly clock;
  failWrites: (ref: KnobRef) => boolean = () => false;
  gapsLeft = 0;
  spikeLeft = 0;
  spikeFactor = 3;

  constructor(private readonly inner: Backend) {
    this.kind = inner.kind;
    this.clock = inner.clock;
  }

  topology(): Promise<Topology> {
    return this.inner.topology();
  }

  async observe(): Promise<Observation> {
    const observation = await this.inner.observe();
    if (this.gapsLeft > 0) {
      this.gapsLeft--;
      const { service: _dropped, ...rest } = observation;
      return rest;
    }
    if (this.spikeLeft > 0 && observation.service !== undefined) {
      this.spikeLeft--;
      const latency = observation.service.latencyMs;
      return {
        ...observation,
        service: { ...observation.service, latencyMs: { ...latency, p95: latency.p95 * this.spikeFactor } },
      };
    }
    return observation;
  }

  knobs(): Promise<KnobRef[]> {
    return this.inner.knobs();
  }

  readKnob(ref: KnobRef): Promise<KnobValue> {
    return this.inner.readKnob(ref);
  }

  async apply(change: Change, options?: ApplyOptions): Promise<Receipt> {
    if (options?.dryRun !== true && this.failWrites(change.knob))
      throw new Error(`injected write failure on ${change.knob.knob}@${change.knob.target}`);
    return this.inner.apply(change, options);
  }

  revert(receipt: Receipt): Promise<void> {
    return this.inner.revert(receipt);
  }
}
