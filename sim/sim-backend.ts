import type {
  ApplyOptions,
  Backend,
  Change,
  KnobRef,
  KnobValue,
  Observation,
  Receipt,
  Topology,
} from "../src/backend.js";
import type { Clock } from "../src/clock.js";
import type { LogHistogram } from "../src/metrics/log-histogram.js";
import type { ResolvedScenario } from "../src/scenario/load-scenario.js";
import { HostTwin } from "./twin/host-twin.js";
import { type InstanceLookup, normalizeTwinKnob, readTwinKnob, twinKnobs, writeTwinKnob } from "./twin/twin-knobs.js";
import { TwinObserver } from "./twin/twin-observation.js";

const MS = 1e6;

/** The twin's clock: `sleep` simulates the time instead of waiting for it. */
export class SimClock implements Clock {
  constructor(
    private readonly twin: HostTwin,
    private readonly pace?: (simTimeMs: number) => Promise<void>,
  ) {}

  now(): number {
    return this.twin.sim.now / MS;
  }

  async sleep(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`sleep needs a non-negative duration, got ${ms}`);
    this.twin.runUntil(this.twin.sim.now + Math.round(ms * MS));
    if (this.pace !== undefined) await this.pace(this.now());
  }
}

export interface SimBackendOptions {
  /** Overrides the scenario's seed (sweeps, common random numbers). */
  seed?: number;
  /** Instance types for the instance-type knob and prices. */
  instances?: InstanceLookup;
  /**
   * Awaited after every `clock.sleep` with the simulated time reached: lets a watcher hold the
   * simulation back (a terminal UI paces it in simulated minutes per second, or pauses it).
   */
  pace?: (simTimeMs: number) => Promise<void>;
}

/**
 * The Backend over the digital twin. A change takes effect at the current simulated time;
 * `revert` puts back exactly the value read before it. Observations cover the simulated time
 * since the previous one and carry only what a real host could measure.
 */
export class SimBackend implements Backend {
  readonly kind = "sim" as const;
  readonly twin: HostTwin;
  readonly clock: SimClock;
  private readonly observer: TwinObserver;
  private readonly instances: InstanceLookup | undefined;
  /** What else a change disturbed and its revert must restore (a scheduler switch resets nr_requests). */
  private readonly sideEffects = new WeakMap<Receipt, () => void>();

  constructor(
    readonly resolved: ResolvedScenario,
    options: SimBackendOptions = {},
  ) {
    this.twin = new HostTwin(resolved, options.seed ?? resolved.scenario.seed);
    this.clock = new SimClock(this.twin, options.pace);
    this.observer = new TwinObserver(this.twin);
    this.instances = options.instances;
    this.twin.start();
  }

  async topology(): Promise<Topology> {
    const twin = this.twin;
    const base = twin.topology;
    return {
      ...base,
      devices: [...twin.ctx.devices.values()].map((device) => ({
        name: device.name,
        deviceClass: device.spec.class,
        rotational: device.spec.class === "hdd",
        hardwareQueues: device.spec.hardwareQueues,
        sizeBytes: 0,
        schedulers: ["none", "mq-deadline", "kyber", "bfq"],
        model: device.spec.description,
      })),
      interfaces: twin.interfaces.map((nic) => ({
        name: nic.name,
        speedMbps: nic.speedMbps,
        mtu: 1500,
        maxRing: { rx: nic.maxRing, tx: nic.maxRing },
      })),
      workloads: twin.vms.map((vm) => ({
        id: vm.config.name,
        kind: "vm" as const,
        vcpus: vm.vcpus,
        memoryBytes: vm.memoryBytes,
        ...(vm.instanceType === undefined ? {} : { instanceType: vm.instanceType }),
        tags: [...vm.config.tags],
        priority: vm.config.priority,
      })),
    };
  }

  async observe(): Promise<Observation> {
    return this.observer.observe();
  }

  /** Response times (µs) of the request-serving VMs over the last observation's interval. */
  lastLatencyHistogram(): LogHistogram {
    return this.observer.lastServiceLatencyUs;
  }

  async knobs(): Promise<KnobRef[]> {
    return twinKnobs(this.twin, this.instances);
  }

  async readKnob(ref: KnobRef): Promise<KnobValue> {
    return readTwinKnob(this.twin, ref);
  }

  async apply(change: Change, options: ApplyOptions = {}): Promise<Receipt> {
    const previous = readTwinKnob(this.twin, change.knob);
    const applied = normalizeTwinKnob(this.twin, change.knob, change.to, this.instances);
    const dryRun = options.dryRun === true;
    let restore: (() => void) | undefined;
    if (change.knob.knob === "io-scheduler") {
      const nrRequests: KnobRef = { knob: "nr-requests", target: change.knob.target };
      const before = readTwinKnob(this.twin, nrRequests);
      restore = () => writeTwinKnob(this.twin, nrRequests, before, this.instances);
    }
    if (!dryRun) writeTwinKnob(this.twin, change.knob, applied, this.instances);
    const receipt: Receipt = { change, previous, applied, at: this.clock.now(), dryRun };
    if (restore !== undefined) this.sideEffects.set(receipt, restore);
    return receipt;
  }

  async revert(receipt: Receipt): Promise<void> {
    if (receipt.dryRun) return;
    writeTwinKnob(this.twin, receipt.change.knob, receipt.previous, this.instances);
    this.sideEffects.get(receipt)?.();
  }
}
