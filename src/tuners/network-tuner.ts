import { type KnobValue, type KnobValues, sameKnobValue, type TcpObservation } from "../backend.js";
import { ADVERTISED_SHARE, cubicBps } from "../math/tcp-throughput.js";
import { grouped } from "../number-text.js";
import { knobKey, type Recommendation, type Tuner, type TunerContext } from "./tuner.js";

/** tuned's network-throughput profile raises the maxima to 16 MiB; bpftune caps growth by RAM. We cap at 256 MiB. */
const MAX_BUFFER_BYTES = 256 * 1024 * 1024;
const MIN_BUFFER_MAX_BYTES = 4 * 1024 * 1024;

/** The smallest power of two at or above x. */
function powerOfTwoAtLeast(x: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, x)));
}

/**
 * Buffer maxima for a path: twice the bandwidth-delay product (only about half of a receive
 * buffer is advertised as window: tcp_adv_win_scale in ip-sysctl.rst, commit dfa2f04), rounded up to a power of two and bounded.
 */
export function bufferMaxForPath(bandwidthMbps: number, rttMs: number): number {
  const bdp = bdpBytes(bandwidthMbps, rttMs);
  return Math.min(MAX_BUFFER_BYTES, Math.max(MIN_BUFFER_MAX_BYTES, powerOfTwoAtLeast(bdp / ADVERTISED_SHARE)));
}

/**
 * Offloads that batch per-packet work and are safe where packets are forwarded (VM bridges):
 * TSO and GSO on send, GRO on receive, by the names `ethtool -k` prints. Not LRO: it merges
 * packets a bridge must forward as they came.
 */
const BATCHING_OFFLOADS = ["tcp-segmentation-offload", "generic-segmentation-offload", "generic-receive-offload"];

/**
 * Whether loss, not the link, limits a loss-based flow on this path: CUBIC's response function
 * (RFC 9438) at the observed loss and RTT reaches less than half the path's bandwidth. Then a
 * model-based controller (BBR) that does not treat random loss as congestion fills it.
 */
export function lossLimited(bandwidthMbps: number, rttMs: number, lossRate: number): boolean {
  if (lossRate <= 0) return false;
  return cubicBps(rttMs / 1000, lossRate) < 0.5 * bandwidthMbps * 1e6;
}

/** What the network tuner is told where the metrics measure no path (a live host). */
export interface NetworkTunerOptions {
  /**
   * The path TCP must fill: bottleneck bandwidth, round-trip time and, when known, its random loss
   * rate, as the operator knows them. Only a given loss rate moves congestion control on such a
   * path: a host's retransmit counters mix every connection and congestion losses with it.
   */
  path?: { bandwidthMbps: number; rttMs: number; lossRate?: number };
  /** The network namespace whose TCP sysctls to tune ("host", the default, for the host's own). */
  netns?: string;
}

/** Bandwidth-delay product in bytes: bandwidth (bit/s) × RTT (s) / 8. */
export function bdpBytes(bandwidthMbps: number, rttMs: number): number {
  return ((bandwidthMbps * 1e6) / 8) * (rttMs / 1000);
}

/**
 * Red Hat's network performance tuning guide: when softnet_stat's second column grows, double
 * net.core.netdev_max_backlog. The cap is ours: a longer queue only adds latency under overload.
 */
const MAX_BACKLOG = 65_536;

/** somaxconn's default since Linux 5.4 (include/linux/socket.h SOMAXCONN): a smaller one is a leftover. */
const DEFAULT_SOMAXCONN = 4096;

/**
 * The network tuner: TCP buffers sized from the bandwidth-delay product of the widest path in use
 * (measured, or given in the options), congestion control from loss and RTT (BBR only where loss
 * limits CUBIC; otherwise the default stays), window scaling, SACK and timestamps back on where
 * they were turned off, somaxconn at least the kernel's default and higher on accept-queue
 * overflows, netdev_max_backlog from input-backlog drops, NIC rings from missed packets and
 * batching offloads where they are off. Every value is bounded and explained.
 */
export class NetworkTuner implements Tuner {
  readonly component = "network";

  constructor(private readonly options: NetworkTunerOptions = {}) {}

  recommend(context: TunerContext): Recommendation[] {
    const out: Recommendation[] = [];
    const target = this.options.netns ?? "host";
    const knob = (name: Parameters<typeof knobKey>[0]["knob"]) => context.knobs.get(knobKey({ knob: name, target }));
    const propose = (name: Parameters<typeof knobKey>[0]["knob"], to: KnobValue, impact: number, reason: string) => {
      const current = knob(name);
      if (current === undefined || sameKnobValue(current, to)) return;
      out.push({
        component: this.component,
        knob: { knob: name, target },
        to,
        expectedImpact: impact,
        reasons: [reason],
      });
    };
    const tcp = context.observation.tcp.filter((t) => t.netns === target);
    const measured = tcp.filter(
      (t) => t.rttMs !== undefined && t.pathBandwidthMbps !== undefined && (t.throughputMbps ?? 0) > 0,
    );
    const given = this.options.path;
    const paths: TcpObservation[] =
      measured.length > 0 || given === undefined
        ? measured
        : [
            {
              netns: target,
              path: "given (--bandwidth, --rtt)",
              retransmitRatio: given.lossRate ?? 0,
              listenOverflowsPerSec: 0,
              rttMs: given.rttMs,
              pathBandwidthMbps: given.bandwidthMbps,
            },
          ];
    // Buffers must hold the largest bandwidth-delay product among the paths in use.
    const widest = paths.reduce<TcpObservation | undefined>((best, t) => {
      const bdp = (t.pathBandwidthMbps as number) * (t.rttMs as number);
      return best === undefined || bdp > (best.pathBandwidthMbps as number) * (best.rttMs as number) ? t : best;
    }, undefined);
    if (widest?.rttMs !== undefined && widest.pathBandwidthMbps !== undefined) {
      const bandwidth = widest.pathBandwidthMbps;
      const rtt = widest.rttMs;
      const bdp = bdpBytes(bandwidth, rtt);
      const size = bufferMaxForPath(bandwidth, rtt);
      // At the cap the window is half of it: say how much of the path that still leaves.
      const capped = 2 * bdp > size;
      const reach = capped
        ? `; at the ${size / 2 ** 20} MiB cap a flow still reaches only about ${Math.round(((size * ADVERTISED_SHARE * 8) / (rtt / 1000) / 1e6 / bandwidth) * 100)}% of the path`
        : "";
      const utilization = (widest.throughputMbps ?? 0) / bandwidth;
      const where = widest.path === undefined ? "path" : `path ${widest.path}`;
      for (const name of ["tcp-rmem", "tcp-wmem"] as const) {
        const current = knob(name);
        // Only ever larger, and the default must stay below the max.
        if (!Array.isArray(current) || (current[2] as number) >= size || (current[1] as number) >= size) continue;
        const triple: [number, number, number] = [current[0] as number, current[1] as number, size];
        propose(
          name,
          triple,
          0.05 * (1 - utilization),
          `${where}: ${bandwidth} Mb/s x ${rtt} ms = BDP ${(bdp / 2 ** 20).toFixed(1)} MiB; ${name.replace("-", "_")} max ${grouped((current[2] as number) / 2 ** 20, 1)} MiB caps a flow below the path (half the buffer is window): raise it to ${size / 2 ** 20} MiB${reach}`,
        );
      }
    }
    const congestion = knob("tcp-congestion-control");
    const limited = paths.find((t) => lossLimited(t.pathBandwidthMbps as number, t.rttMs as number, t.retransmitRatio));
    // Only from the loss-based defaults: an algorithm someone chose (dctcp, a tuned one) is theirs.
    if ((congestion === "cubic" || congestion === "reno") && limited !== undefined) {
      const cubic = cubicBps((limited.rttMs as number) / 1000, limited.retransmitRatio) / 1e6;
      propose(
        "tcp-congestion-control",
        "bbr",
        0.1 * (1 - (limited.throughputMbps ?? 0) / (limited.pathBandwidthMbps as number)),
        `${limited.path === undefined ? "a path" : `path ${limited.path}`}: ${(limited.retransmitRatio * 100).toFixed(4)}% random loss at ${limited.rttMs} ms RTT limits CUBIC to about ${cubic.toFixed(0)} Mb/s of its ${limited.pathBandwidthMbps} Mb/s (RFC 9438 response function, scaled to a measured Linux run); BBR does not back off on random loss`,
      );
    }
    for (const [name, why] of [
      ["tcp-window-scaling", "without window scaling a window stops at 64 KiB (RFC 7323)"],
      ["tcp-sack", "SACK recovers several losses per window without a timeout (RFC 2018)"],
      ["tcp-timestamps", "timestamps give RTT samples and protect against wrapped sequence numbers (RFC 7323)"],
    ] as const) {
      if (knob(name) === 0) propose(name, 1, 0.01, `was off; ${why}`);
    }
    const overflows = tcp.reduce((sum, t) => sum + t.listenOverflowsPerSec, 0);
    const backlog = knob("somaxconn");
    if (typeof backlog === "number") {
      if (overflows > 0 && backlog < 65535)
        propose(
          "somaxconn",
          Math.min(65535, Math.max(DEFAULT_SOMAXCONN, backlog * 4)),
          0.05,
          `${overflows.toFixed(1)} accept-queue overflows/s: connections wait a second for a SYN retry; raise somaxconn`,
        );
      else if (backlog < DEFAULT_SOMAXCONN)
        propose(
          "somaxconn",
          DEFAULT_SOMAXCONN,
          0.01,
          `listen backlog ${backlog} overflows under connection bursts; ${DEFAULT_SOMAXCONN} is the kernel default since 5.4`,
        );
    }
    // NICs and the input backlog are the host's: a namespace's tuning leaves them alone.
    if (target !== "host") return out.map((r) => ({ ...r, group: `network:${target}` }));
    const backlogDrops = context.observation.host.backlogDropsPerSec ?? 0;
    const inputBacklog = knob("netdev-max-backlog");
    if (backlogDrops > 0 && typeof inputBacklog === "number" && inputBacklog < MAX_BACKLOG)
      propose(
        "netdev-max-backlog",
        Math.min(MAX_BACKLOG, inputBacklog * 2),
        0.02,
        `${backlogDrops.toFixed(0)} packets/s dropped at a full per-CPU input backlog (softnet_stat's second column): double netdev_max_backlog`,
      );
    for (const nic of context.observation.network) {
      const rings = context.knobs.get(knobKey({ knob: "nic-rings", target: nic.interface })) as
        | KnobValues["nic-rings"]
        | undefined;
      const missed = nic.rxMissedPerSec ?? 0;
      // At most 4096 (the usual driver maximum) and the driver's own maximum where known.
      const max = context.topology.interfaces.find((i) => i.name === nic.interface)?.maxRing;
      const rxCap = Math.min(4096, max?.rx ?? 4096);
      const txCap = Math.min(4096, max?.tx ?? 4096);
      if (missed > 0 && rings !== undefined && rings.rx < rxCap) {
        out.push({
          component: this.component,
          knob: { knob: "nic-rings", target: nic.interface },
          // Only ever larger: a ring already past the cap keeps its size.
          to: { rx: Math.min(rxCap, rings.rx * 4), tx: Math.max(rings.tx, Math.min(txCap, rings.tx * 4)) },
          expectedImpact: 0.02,
          reasons: [
            `${missed.toFixed(0)} packets/s missed on ${nic.interface} (no free receive descriptor): a bigger ring absorbs bursts between interrupts`,
          ],
        });
      }
    }
    for (const nic of context.topology.interfaces) {
      const offloads = context.knobs.get(knobKey({ knob: "nic-offloads", target: nic.name })) as
        | KnobValues["nic-offloads"]
        | undefined;
      if (offloads === undefined) continue;
      // TSO needs scatter-gather and TX checksumming: the kernel would keep it off without them.
      const tsoBlocked = offloads["scatter-gather"] === false || offloads["tx-checksumming"] === false;
      const off = BATCHING_OFFLOADS.filter(
        (name) => offloads[name] === false && !(name === "tcp-segmentation-offload" && tsoBlocked),
      );
      if (off.length === 0) continue;
      out.push({
        component: this.component,
        knob: { knob: "nic-offloads", target: nic.name },
        to: Object.fromEntries(off.map((name) => [name, true])),
        expectedImpact: 0.01,
        reasons: [
          `${off.join(", ")} off on ${nic.name}: segmentation and receive offloads hand the stack one large packet instead of many (Documentation/networking/segmentation-offloads.rst); LRO is left alone, since the kernel turns it off itself where a host forwards or bridges (dev_disable_lro)`,
        ],
      });
    }
    // The host's TCP settings work together (BBR needs the buffers): one operation.
    return out.map((r) => ({ ...r, group: r.knob.target === "host" ? "network:host" : `network:${r.knob.target}` }));
  }
}
