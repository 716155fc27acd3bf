import {
  type KnobName,
  type KnobRef,
  KnobUnavailableError,
  type KnobValue,
  KnobValueError,
  type KnobValues,
  type MemoryPolicy,
  type PurchaseOption,
} from "../../src/backend.js";
import { normalizeScheduler } from "../../src/catalog/device-catalog.js";
import { MAX_BUFFER_BYTES, MAX_READ_AHEAD_KB } from "../../src/knob-bounds.js";
import type { TcpSettings } from "./host-context.js";
import type { HostTwin } from "./host-twin.js";
import { PAGE_MIGRATION_BYTES_PER_SEC, policyTarget } from "./memory-placement.js";
import type { VmService } from "./vm-service.js";

/** An instance type's shape and price, from whatever catalog the caller has. */
export interface InstanceShape {
  name: string;
  vcpus: number;
  memoryGiB: number;
  hourlyUsd: number;
  /** Discounts below on-demand, when the type is offered that way. */
  spotDiscount?: number;
  reserved1yDiscount?: number;
  savingsPlan1yDiscount?: number;
}

const PURCHASE_OPTIONS: readonly PurchaseOption[] = ["on-demand", "spot", "reserved-1y", "savings-plan-1y"];

/** The discount a purchase option gives on a type, or undefined when the catalog does not offer it. */
export function purchaseDiscount(shape: InstanceShape, option: PurchaseOption): number | undefined {
  if (option === "on-demand") return 0;
  if (option === "spot") return shape.spotDiscount;
  if (option === "reserved-1y") return shape.reserved1yDiscount;
  return shape.savingsPlan1yDiscount;
}

export type InstanceLookup = (name: string) => InstanceShape | undefined;

// Sanity bounds checked before any change (the live backend keeps the same ones).
const MAX_SOMAXCONN = 65535;
const MAX_BACKLOG = 1_000_000;

/** The host-namespace knobs and the TCP setting each one is. */
const HOST_SETTINGS = {
  "tcp-rmem": "rmem",
  "tcp-wmem": "wmem",
  "tcp-congestion-control": "congestionControl",
  "tcp-window-scaling": "windowScaling",
  "tcp-sack": "sack",
  "tcp-timestamps": "timestamps",
  somaxconn: "somaxconn",
  "netdev-max-backlog": "netdevMaxBacklog",
} as const satisfies Partial<Record<KnobName, keyof TcpSettings>>;

const HOST_KNOBS = Object.keys(HOST_SETTINGS) as (keyof typeof HOST_SETTINGS)[];

function hostSetting(ref: KnobRef): keyof TcpSettings {
  hostOnly(ref);
  const setting = (HOST_SETTINGS as Partial<Record<KnobName, keyof TcpSettings>>)[ref.knob];
  if (setting === undefined) throw new KnobUnavailableError(ref, "not a host network setting");
  return setting;
}

/** Copies arrays so callers never share the twin's state. */
function copied(value: KnobValue): KnobValue {
  return Array.isArray(value) ? ([...value] as KnobValue) : value;
}

/** Every knob the twin offers, in a stable order. */
export function twinKnobs(twin: HostTwin, instances: InstanceLookup | undefined): KnobRef[] {
  const refs: KnobRef[] = [];
  for (const vm of twin.vms) {
    refs.push({ knob: "cpu-affinity", target: vm.config.name }, { knob: "memory-policy", target: vm.config.name });
    if (twin.ctx.llcConfinement.ways > 0) refs.push({ knob: "llc-ways", target: vm.config.name });
    if (instances !== undefined && vm.instanceType !== undefined) {
      refs.push({ knob: "instance-type", target: vm.config.name }, { knob: "purchase-option", target: vm.config.name });
    }
  }
  for (const name of twin.ctx.devices.keys()) {
    refs.push(
      { knob: "io-scheduler", target: name },
      { knob: "nr-requests", target: name },
      { knob: "read-ahead-kb", target: name },
    );
  }
  for (const knob of HOST_KNOBS) refs.push({ knob, target: "host" });
  for (const nic of twin.interfaces) refs.push({ knob: "nic-rings", target: nic.name });
  return refs;
}

function vmOf(twin: HostTwin, ref: KnobRef): VmService {
  const vm = twin.vms.find((candidate) => candidate.config.name === ref.target);
  if (vm === undefined) throw new KnobUnavailableError(ref, `no VM '${ref.target}' on this host`);
  return vm;
}

/** The host's allocation ways, or KnobUnavailableError when its LLC has no cache allocation. */
function llcWaysOf(twin: HostTwin, ref: KnobRef): number {
  if (twin.ctx.llcConfinement.ways <= 0)
    throw new KnobUnavailableError(ref, "this host's last-level cache has no cache allocation (allocationWays)");
  return twin.ctx.llcConfinement.ways;
}

function deviceOf(twin: HostTwin, ref: KnobRef) {
  const device = twin.ctx.devices.get(ref.target);
  if (device === undefined) throw new KnobUnavailableError(ref, `no block device '${ref.target}'`);
  return device;
}

function nicOf(twin: HostTwin, ref: KnobRef) {
  const nic = twin.interfaces.find((candidate) => candidate.name === ref.target);
  if (nic === undefined) throw new KnobUnavailableError(ref, `no interface '${ref.target}'`);
  return nic;
}

function hostOnly(ref: KnobRef): void {
  if (ref.target !== "host")
    throw new KnobUnavailableError(ref, "the twin has only the host network namespace ('host')");
}

export function readTwinKnob(twin: HostTwin, ref: KnobRef): KnobValue {
  switch (ref.knob) {
    case "cpu-affinity":
      return [...vmOf(twin, ref).allowedCpus];
    case "memory-policy": {
      const policy = vmOf(twin, ref).memoryPolicy;
      return { mode: policy.mode, nodes: [...policy.nodes] };
    }
    case "instance-type": {
      const type = vmOf(twin, ref).instanceType;
      if (type === undefined) throw new KnobUnavailableError(ref, "the VM has no instance type");
      return type;
    }
    case "purchase-option":
      return vmOf(twin, ref).purchaseOption;
    case "llc-ways": {
      const ways = llcWaysOf(twin, ref);
      return vmOf(twin, ref).llcWays ?? ways;
    }
    case "io-scheduler":
      return deviceOf(twin, ref).scheduler;
    case "nr-requests":
      return deviceOf(twin, ref).nrRequests;
    case "read-ahead-kb":
      return deviceOf(twin, ref).readAheadKb;
    case "nic-rings": {
      const nic = nicOf(twin, ref);
      return { rx: nic.rxRing, tx: nic.txRing };
    }
  }
  return copied(twin.ctx.tcp[hostSetting(ref)] as KnobValue);
}

function integerIn(ref: KnobRef, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new KnobValueError(ref, `expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function bufferTriple(ref: KnobRef, value: unknown): [number, number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    !value.every((v) => typeof v === "number" && Number.isInteger(v) && v > 0)
  ) {
    throw new KnobValueError(ref, `expected three positive integers (min default max), got ${JSON.stringify(value)}`);
  }
  const [min, def, max] = value as [number, number, number];
  // bpftune#36 overflowed tcp_rmem's max to a negative number: check order and a ceiling first.
  if (!(min <= def && def <= max))
    throw new KnobValueError(ref, `expected min <= default <= max, got ${min} ${def} ${max}`);
  if (max > MAX_BUFFER_BYTES) throw new KnobValueError(ref, `max ${max} is above the 1 GiB sanity bound`);
  return [min, def, max];
}

/** Checks a value for a knob and returns it normalized (legacy scheduler names mapped, lists sorted). */
export function normalizeTwinKnob(
  twin: HostTwin,
  ref: KnobRef,
  value: KnobValue,
  instances: InstanceLookup | undefined,
): KnobValue {
  switch (ref.knob) {
    case "cpu-affinity": {
      vmOf(twin, ref);
      const cpus = twin.topology.cpus.map((cpu) => cpu.id);
      if (!Array.isArray(value) || value.length === 0 || !value.every((cpu) => cpus.includes(cpu as number))) {
        throw new KnobValueError(
          ref,
          `expected a non-empty list of this host's CPUs (0-${Math.max(...cpus)}), got ${JSON.stringify(value)}`,
        );
      }
      return [...new Set(value as number[])].sort((a, b) => a - b);
    }
    case "memory-policy": {
      vmOf(twin, ref);
      const policy = value as MemoryPolicy;
      const modes = ["default", "local", "interleave", "preferred", "bind"];
      if (
        typeof policy !== "object" ||
        policy === null ||
        !modes.includes(policy.mode) ||
        !Array.isArray(policy.nodes)
      ) {
        throw new KnobValueError(
          ref,
          `expected {mode: ${modes.join("|")}, nodes: [...]}, got ${JSON.stringify(value)}`,
        );
      }
      const nodes = twin.topology.nodes.length;
      if (policy.nodes.some((node) => !Number.isInteger(node) || node < 0 || node >= nodes)) {
        throw new KnobValueError(ref, `nodes must be within 0-${nodes - 1}`);
      }
      if ((policy.mode === "preferred" || policy.mode === "bind") && policy.nodes.length === 0) {
        throw new KnobValueError(ref, `mode ${policy.mode} needs at least one node`);
      }
      return { mode: policy.mode, nodes: [...new Set(policy.nodes)].sort((a, b) => a - b) };
    }
    case "instance-type": {
      vmOf(twin, ref);
      if (typeof value !== "string" || instances?.(value) === undefined)
        throw new KnobValueError(ref, `unknown instance type ${JSON.stringify(value)}`);
      return value;
    }
    case "purchase-option": {
      const vm = vmOf(twin, ref);
      const shape = vm.instanceType === undefined ? undefined : instances?.(vm.instanceType);
      if (typeof value !== "string" || !PURCHASE_OPTIONS.includes(value as PurchaseOption)) {
        throw new KnobValueError(ref, `expected one of ${PURCHASE_OPTIONS.join(", ")}, got ${JSON.stringify(value)}`);
      }
      if (shape === undefined || purchaseDiscount(shape, value as PurchaseOption) === undefined) {
        throw new KnobValueError(
          ref,
          `${value} is not offered for ${vm.instanceType ?? "a VM without an instance type"} in the catalog`,
        );
      }
      return value;
    }
    case "llc-ways":
      vmOf(twin, ref);
      return integerIn(ref, value, 1, llcWaysOf(twin, ref));
    case "io-scheduler": {
      deviceOf(twin, ref);
      const normalized = typeof value === "string" ? normalizeScheduler(value) : undefined;
      if (normalized === undefined)
        throw new KnobValueError(ref, `expected none, mq-deadline, bfq or kyber, got ${JSON.stringify(value)}`);
      return normalized.scheduler;
    }
    case "nr-requests": {
      const device = deviceOf(twin, ref);
      return integerIn(ref, value, 4, device.maxNrRequests());
    }
    case "read-ahead-kb":
      deviceOf(twin, ref);
      return integerIn(ref, value, 0, MAX_READ_AHEAD_KB);
    case "nic-rings": {
      const nic = nicOf(twin, ref);
      const rings = value as { rx: number; tx: number };
      if (typeof rings !== "object" || rings === null) throw new KnobValueError(ref, "expected {rx, tx}");
      return { rx: integerIn(ref, rings.rx, 64, nic.maxRing), tx: integerIn(ref, rings.tx, 64, nic.maxRing) };
    }
    case "tcp-rmem":
    case "tcp-wmem":
      hostOnly(ref);
      return bufferTriple(ref, value);
    case "tcp-congestion-control": {
      hostOnly(ref);
      const available = twin.resolved.scenario.host.sysctls.availableCongestionControl;
      if (typeof value !== "string" || !(available as string[]).includes(value)) {
        throw new KnobValueError(ref, `expected one of ${available.join(", ")}, got ${JSON.stringify(value)}`);
      }
      return value;
    }
    case "tcp-window-scaling":
    case "tcp-sack":
      hostOnly(ref);
      return integerIn(ref, value, 0, 1);
    case "tcp-timestamps":
      hostOnly(ref);
      return integerIn(ref, value, 0, 2);
    case "somaxconn":
      hostOnly(ref);
      return integerIn(ref, value, 1, MAX_SOMAXCONN);
    case "netdev-max-backlog":
      hostOnly(ref);
      return integerIn(ref, value, 1, MAX_BACKLOG);
    default:
      throw new KnobUnavailableError(ref, "the twin does not model this knob (live hosts only)");
  }
}

/** Sets a normalized value in the twin, effective from the current simulated time. */
export function writeTwinKnob(
  twin: HostTwin,
  ref: KnobRef,
  value: KnobValue,
  instances: InstanceLookup | undefined,
): void {
  const now = twin.sim.now;
  switch (ref.knob) {
    case "cpu-affinity":
      vmOf(twin, ref).allowedCpus = [...(value as number[])];
      twin.ctx.cpu.affinityChanged(now);
      return;
    case "memory-policy": {
      const vm = vmOf(twin, ref);
      const policy = value as MemoryPolicy;
      vm.memoryPolicy = { mode: policy.mode, nodes: [...policy.nodes] };
      const cpuNodes = vm.allowedCpus.map((cpu) => twin.ctx.cpu.nodeOfCpu(cpu));
      const target = policyTarget(policy, twin.topology.nodes.length, cpuNodes, vm.placement.sharesAt(now));
      vm.placement.migrate(target, now, vm.memoryBytes, PAGE_MIGRATION_BYTES_PER_SEC);
      return;
    }
    case "instance-type": {
      const vm = vmOf(twin, ref);
      const shape = instances?.(value as string);
      if (shape === undefined) throw new KnobValueError(ref, `unknown instance type ${JSON.stringify(value)}`);
      vm.instanceType = shape.name;
      vm.onDemandHourlyUsd = shape.hourlyUsd;
      vm.purchaseDiscount = purchaseDiscount(shape, vm.purchaseOption) ?? 0;
      vm.resize(shape.vcpus, shape.memoryGiB * 1024 ** 3);
      return;
    }
    case "purchase-option": {
      const vm = vmOf(twin, ref);
      const shape = vm.instanceType === undefined ? undefined : instances?.(vm.instanceType);
      vm.purchaseOption = value as PurchaseOption;
      vm.purchaseDiscount = shape === undefined ? 0 : (purchaseDiscount(shape, vm.purchaseOption) ?? 0);
      return;
    }
    case "llc-ways": {
      const ways = llcWaysOf(twin, ref);
      vmOf(twin, ref).llcWays = (value as number) < ways ? (value as number) : undefined;
      return;
    }
    case "io-scheduler":
      deviceOf(twin, ref).setScheduler(value as KnobValues["io-scheduler"] as never);
      return;
    case "nr-requests":
      deviceOf(twin, ref).nrRequests = value as number;
      return;
    case "read-ahead-kb":
      deviceOf(twin, ref).readAheadKb = value as number;
      return;
    case "nic-rings": {
      const nic = nicOf(twin, ref);
      const rings = value as { rx: number; tx: number };
      nic.rxRing = rings.rx;
      nic.txRing = rings.tx;
      return;
    }
  }
  const setting = hostSetting(ref);
  (twin.ctx.tcp as unknown as Record<string, KnobValue>)[setting] = copied(value);
}
