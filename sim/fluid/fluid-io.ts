import type { DeviceSpec } from "../../src/catalog/device-catalog.js";
import { erlangC } from "../../src/math/queueing-theory.js";
import { type FlowLimits, flowThroughputBps, transferSeconds } from "../../src/math/tcp-throughput.js";

/**
 * Mean device service time of one request, ms, in expectation: the flash latency plus transfer,
 * or for a disk the mean random seek, half a revolution and the transfer (Ruemmler & Wilkes, "An
 * Introduction to Disk Drive Modeling", IEEE Computer 1994).
 */
export function meanDeviceServiceMs(spec: DeviceSpec, bytes: number, write: boolean): number {
  const rate = (write ? spec.writeMBps : spec.readMBps) * 1e6;
  if (spec.class === "hdd") return spec.averageSeekMs + 30_000 / spec.rpm + (bytes / rate) * 1000;
  return (write ? spec.writeUs : spec.readUs) / 1000 + (Math.max(0, bytes - 4096) / rate) * 1000;
}

/**
 * Mean latency of an I/O on a device offered `iops`, ms: its servers (1 for a disk, the internal
 * parallelism for flash) as an M/M/c queue around the mean service time. Infinity when overloaded.
 */
export function fluidIoMs(spec: DeviceSpec, bytes: number, write: boolean, iops: number): number {
  const service = meanDeviceServiceMs(spec, bytes, write);
  const servers = spec.class === "hdd" ? 1 : spec.parallelism;
  const capacity =
    spec.class !== "hdd" && spec.iopsLimit !== undefined
      ? Math.min(servers / service, spec.iopsLimit / 1000)
      : servers / service;
  const lambda = iops / 1000;
  if (lambda >= capacity) return Number.POSITIVE_INFINITY;
  if (lambda === 0) return service;
  return service + erlangC(servers, lambda * service) / (servers / service - lambda);
}

/** Mean time to send a response of `bytes` on one TCP flow with these limits, ms (no competing flows). */
export function fluidTransferMs(limits: FlowLimits, bytes: number, warm: boolean): number {
  return transferSeconds(bytes, flowThroughputBps(limits), limits.rttSeconds, warm) * 1000;
}
