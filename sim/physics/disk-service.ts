import type { DiskSpec, FlashSpec } from "../../src/catalog/device-catalog.js";
import type { RandomStream } from "../rng.js";

/**
 * Device service time of one request, milliseconds, without queueing. Flash and virtual devices:
 * a lognormal latency around the catalog mean for 4 KiB plus the transfer of the rest at the
 * sequential rate. Disks: seek + rotation + transfer (Ruemmler & Wilkes, IEEE Computer 1994).
 */
export function flashServiceMs(spec: FlashSpec, bytes: number, write: boolean, stream: RandomStream): number {
  const meanUs = write ? spec.writeUs : spec.readUs;
  const latencyUs = spec.latencyCv > 0 ? stream.lognormalMeanCv(meanUs, spec.latencyCv) : meanUs;
  const extraBytes = Math.max(0, bytes - 4096);
  const rate = (write ? spec.writeMBps : spec.readMBps) * 1e6;
  return latencyUs / 1000 + (extraBytes / rate) * 1000;
}

/**
 * Seek time over a fraction `d` (0..1) of the full stroke: a + b·√d for short seeks (the arm
 * accelerates and coasts), linear for long ones (Ruemmler & Wilkes). The constants are fitted
 * so that seek(0+) = track-to-track, seek(1) = full stroke, and the mean over uniformly random
 * request pairs (distance density 2(1-d)) equals the catalog's average seek.
 */
export function seekMs(spec: DiskSpec, distance: number): number {
  if (distance <= 0) return 0;
  return seekCurve(spec.trackToTrackMs, spec.fullStrokeMs, kneeTime(spec), distance);
}

const KNEE = 0.3;

function seekCurve(trackToTrack: number, fullStroke: number, knee: number, distance: number): number {
  if (distance <= KNEE) return trackToTrack + (knee - trackToTrack) * Math.sqrt(distance / KNEE);
  return knee + ((fullStroke - knee) * (distance - KNEE)) / (1 - KNEE);
}

const kneeCache = new WeakMap<DiskSpec, number>();

/** The seek time at the knee (30% of the stroke), solved once so the mean random seek matches. */
function kneeTime(spec: DiskSpec): number {
  const cached = kneeCache.get(spec);
  if (cached !== undefined) return cached;
  // Mean seek over random pairs is linear in the knee time: solve mean(k) = average by two points.
  const meanFor = (k: number): number => {
    const steps = 2000;
    let total = 0;
    for (let i = 0; i < steps; i++) {
      const d = (i + 0.5) / steps;
      total += seekCurve(spec.trackToTrackMs, spec.fullStrokeMs, k, d) * 2 * (1 - d);
    }
    return total / steps;
  };
  const m0 = meanFor(0);
  const m1 = meanFor(1);
  const knee = (spec.averageSeekMs - m0) / (m1 - m0);
  kneeCache.set(spec, knee);
  return knee;
}

/** Rotational delay: uniform over one revolution (mean 30/rpm s: 4.17 ms at 7,200 rpm). */
export function rotationMs(spec: DiskSpec, stream: RandomStream): number {
  return stream.uniform() * (60_000 / spec.rpm);
}

/** Media transfer of `bytes` at the sequential rate. */
export function transferMs(spec: DiskSpec, bytes: number, write: boolean): number {
  return (bytes / ((write ? spec.writeMBps : spec.readMBps) * 1e6)) * 1000;
}

/**
 * Service time of a disk request at head position `from` going to `to` (both fractions of the
 * stroke). A sequential continuation (to == from) costs only the transfer.
 */
export function diskServiceMs(
  spec: DiskSpec,
  from: number,
  to: number,
  bytes: number,
  write: boolean,
  stream: RandomStream,
): number {
  if (Math.abs(to - from) < 1e-9) return transferMs(spec, bytes, write);
  return seekMs(spec, Math.abs(to - from)) + rotationMs(spec, stream) + transferMs(spec, bytes, write);
}
