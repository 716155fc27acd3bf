/**
 * Steady-state TCP throughput of one bulk flow, bits per second: the minimum of what the path
 * gives it, what the windows allow and what the congestion control sustains at the path's loss
 * rate (Mathis et al., CCR 27(3) 1997; RFC 9438). Windows are in bytes, RTT in seconds.
 */

export type CongestionControl = "reno" | "cubic" | "bbr";

export const MSS_BYTES = 1460;

/** Reno's loss response (Mathis et al., CCR 1997): (MSS/RTT)·C/√p with C = √(3/2). */
export function renoBps(rttSeconds: number, lossRate: number, mss = MSS_BYTES): number {
  if (lossRate <= 0) return Number.POSITIVE_INFINITY;
  return ((mss * 8) / rttSeconds) * (Math.sqrt(1.5) / Math.sqrt(lossRate));
}

/** CUBIC's closed form (RFC 9438, C = 0.4, β = 0.7) for periodic loss, packets per round trip. */
function cubicClosedFormWindow(rttSeconds: number, lossRate: number): number {
  const cubicWindow = 1.054 * (rttSeconds / lossRate) ** 0.75;
  const renoFriendly = 1.2 / Math.sqrt(lossRate);
  return Math.max(cubicWindow, renoFriendly);
}

/**
 * Linux CUBIC under random loss sustains more than the periodic-loss closed form: E. Dumazet's
 * netperf run for the BBR merge (net-next, 2016: 10 Gb/s, 100 ms RTT, 1% netem loss) measured
 * 3.27 Mb/s where the closed form gives 1.40. One factor, fitted on that run; `twintune validate`
 * checks it against two others. Cardwell et al. ("BBR: Congestion-Based Congestion Control", ACM
 * Queue 14(5) 2016, Fig. 8: CUBIC at a tenth of a 100 Mb/s, 100 ms link at 0.1% loss) is in the
 * same Reno-friendly region, where the closed form is 1.2/√p. The cubic term takes over below
 * about 6·10⁻⁴ loss at 100 ms RTT (3·10⁻⁴ at 80 ms, 7·10⁻⁵ at 50 ms), where the scenarios' WAN
 * paths are (10⁻⁵); there ESnet's measurement (fasterdata "Packet Loss": 4.6·10⁻⁵ loss, 90 ms,
 * jumbo frames, 490 Mb/s with H-TCP, CUBIC "very similar") is within 20% of the scaled form, and
 * the bare closed form would be half of it.
 */
export const CUBIC_RANDOM_LOSS_FACTOR = 3.27e6 / ((cubicClosedFormWindow(0.1, 0.01) * MSS_BYTES * 8) / 0.1);

/** CUBIC's loss-limited rate on Linux: the closed form scaled by the measured random-loss factor. */
export function cubicBps(rttSeconds: number, lossRate: number, mss = MSS_BYTES): number {
  if (lossRate <= 0) return Number.POSITIVE_INFINITY;
  return (CUBIC_RANDOM_LOSS_FACTOR * cubicClosedFormWindow(rttSeconds, lossRate) * mss * 8) / rttSeconds;
}

/**
 * BBR v1 paces at the measured bottleneck bandwidth and ignores random loss until the gain
 * cycle can no longer refill it: 1.25·(1-p) < 1, i.e. p ≈ 20% (N. Cardwell, bbr-dev); full
 * utilization to about 15% (the BBR patch series' cover letter, net-next 2016). Above 15% the share falls linearly to zero at 25%.
 */
export function bbrBps(availableBps: number, lossRate: number): number {
  const utilization = lossRate <= 0.15 ? 1 - lossRate : Math.max(0, 0.85 * (1 - (lossRate - 0.15) / 0.1));
  return availableBps * utilization;
}

/** A window of `bytes` in flight per round trip. */
export function windowBps(bytes: number, rttSeconds: number): number {
  return (bytes * 8) / rttSeconds;
}

export interface FlowLimits {
  /** The flow's fair share of the bottleneck, bits/s. */
  shareBps: number;
  rttSeconds: number;
  lossRate: number;
  congestionControl: CongestionControl;
  /** tcp_rmem max: the largest receive buffer autotuning may grow to, bytes. */
  receiveBufferBytes: number;
  /** tcp_wmem max, bytes. */
  sendBufferBytes: number;
  windowScaling: boolean;
  sack: boolean;
}

/**
 * Part of the receive buffer advertised as window: before Linux 6.6 tcp_adv_win_scale = 1 kept
 * half for overhead; from 6.6 a per-socket ratio of payload to truesize does, about the same for
 * MSS-sized skbs (commit dfa2f04, "tcp: get rid of sysctl_tcp_adv_win_scale", 2023).
 */
export const ADVERTISED_SHARE = 0.5;

/** Without window scaling the window field stops at 65,535 bytes (RFC 7323). */
export const UNSCALED_WINDOW_BYTES = 65_535;

/**
 * Without SACK, several losses in one window cost a timeout more often; PFTK's model with
 * timeouts (Padhye et al., SIGCOMM'98) gives roughly 0.7 of the SACK throughput at moderate
 * loss. A first-order factor, applied to the loss-limited rate only.
 */
export const NO_SACK_FACTOR = 0.7;

export function flowThroughputBps(limits: FlowLimits): number {
  const { shareBps, rttSeconds, lossRate, congestionControl } = limits;
  let receiveWindow = limits.receiveBufferBytes * ADVERTISED_SHARE;
  if (!limits.windowScaling) receiveWindow = Math.min(receiveWindow, UNSCALED_WINDOW_BYTES);
  const windowLimit = Math.min(windowBps(receiveWindow, rttSeconds), windowBps(limits.sendBufferBytes, rttSeconds));
  let lossLimit: number;
  if (congestionControl === "bbr") lossLimit = bbrBps(shareBps, lossRate);
  else lossLimit = congestionControl === "reno" ? renoBps(rttSeconds, lossRate) : cubicBps(rttSeconds, lossRate);
  if (!limits.sack && lossRate > 0 && congestionControl !== "bbr") lossLimit *= NO_SACK_FACTOR;
  return Math.max(0, Math.min(shareBps, windowLimit, lossLimit));
}

/**
 * Time to move `bytes` on a flow that sustains `rateBps`, including slow start from an initial
 * window of 10 segments (RFC 6928), which doubles each round trip until it reaches the rate's
 * window. Connections reused within the idle timeout skip it (`warm`).
 */
export function transferSeconds(bytes: number, rateBps: number, rttSeconds: number, warm: boolean): number {
  if (bytes <= 0) return rttSeconds;
  if (!(rateBps > 0)) return Number.POSITIVE_INFINITY;
  const steadyWindow = (rateBps * rttSeconds) / 8;
  if (warm) return rttSeconds + (bytes * 8) / rateBps;
  let window = 10 * MSS_BYTES;
  let sent = 0;
  let rounds = 1; // the request itself
  while (window < steadyWindow && sent + window < bytes) {
    sent += window;
    window *= 2;
    rounds++;
  }
  return rounds * rttSeconds + ((bytes - sent) * 8) / rateBps;
}
