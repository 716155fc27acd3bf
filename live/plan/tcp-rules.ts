import type { Change, KnobRef, KnobValue } from "../../src/backend.js";
import { grouped } from "../../src/number-text.js";
import { knobKey } from "../../src/tuners/tuner.js";
import { MAX_BUFFER_BYTES } from "../knobs/bounds.js";
import { changeId, type PlanInput, type RecommendationSource } from "./recommendation-source.js";

export interface TcpRulesConfig {
  /** The path the buffers must fill: bottleneck bandwidth and round-trip time. Both or neither. */
  bandwidthMbps?: number;
  rttMs?: number;
}

const NAME = "built-in tcp rules";

/** Bandwidth-delay product in bytes: bw (bit/s) × RTT (s) / 8. */
export function bdpBytes(bandwidthMbps: number, rttMs: number): number {
  return Math.round((bandwidthMbps * 1e6 * (rttMs / 1000)) / 8);
}

/**
 * The kernel's default maxima (Documentation/networking/ip-sysctl.rst): tcp_rmem 6 MiB, tcp_wmem
 * 4 MiB. The rules only raise a max, never lower it below these.
 */
const DEFAULT_MAX = { "tcp-rmem": 6 * 1024 * 1024, "tcp-wmem": 4 * 1024 * 1024 };

/**
 * TCP from a configured path: buffer maxima of 2 × BDP (ip-sysctl.rst; the factor covers the skb
 * overhead counted against the buffer: tcp_adv_win_scale there, and since 6.6 the per-socket
 * scaling ratio of commit dfa2f04), capped at 1 GiB; window scaling, SACK and timestamps on where
 * they were turned off (a window above 64 KiB needs scaling, RFC 7323); somaxconn at least 4096 (the default since 5.4). Congestion control is left
 * alone: no algorithm wins everywhere (bpftune converges to dctcp without loss).
 */
export function tcpRules(config: TcpRulesConfig): RecommendationSource {
  return {
    name: NAME,
    recommend(input: PlanInput): Change[] {
      const out: Change[] = [];
      const propose = (knob: KnobRef["knob"], to: KnobValue, reason: string) => {
        const ref: KnobRef = { knob, target: input.netns };
        out.push({ id: changeId(NAME, ref), knob: ref, to, component: NAME, reason });
      };
      const { bandwidthMbps, rttMs } = config;
      if (bandwidthMbps !== undefined && rttMs !== undefined) {
        const bdp = bdpBytes(bandwidthMbps, rttMs);
        for (const knob of ["tcp-rmem", "tcp-wmem"] as const) {
          const current = input.values.get(knobKey({ knob, target: input.netns }));
          if (!Array.isArray(current) || current.length !== 3) continue;
          const [min, def, max] = current as [number, number, number];
          const target = Math.min(MAX_BUFFER_BYTES, Math.max(DEFAULT_MAX[knob], 2 * bdp));
          if (target <= max || target <= def) continue;
          propose(
            knob,
            [min, def, target],
            `BDP of ${bandwidthMbps} Mb/s × ${rttMs} ms is ${bdp} bytes; the max buffer should hold 2 × BDP${target === MAX_BUFFER_BYTES ? " (capped at 1 GiB)" : ""}`,
          );
        }
      }
      for (const [knob, why] of [
        ["tcp-window-scaling", "without window scaling a TCP window stops at 64 KiB (RFC 7323)"],
        ["tcp-sack", "SACK recovers several losses per round trip (RFC 2018)"],
        ["tcp-timestamps", "timestamps give RTT samples and PAWS (RFC 7323)"],
      ] as const) {
        if (input.values.get(knobKey({ knob, target: input.netns })) === 0) propose(knob, 1, `was off; ${why}`);
      }
      const backlog = input.values.get(knobKey({ knob: "somaxconn", target: input.netns }));
      if (typeof backlog === "number" && backlog < 4096) {
        propose(
          "somaxconn",
          4096,
          `listen backlog ${backlog} overflows under connection bursts; 4096 is the kernel default since 5.4`,
        );
      }
      return out;
    },
    explain(input: PlanInput): string[] {
      const { bandwidthMbps, rttMs } = config;
      const path =
        bandwidthMbps === undefined || rttMs === undefined
          ? "TCP buffers: no path given (--bandwidth MBPS --rtt MS), left as they are"
          : `TCP buffers for ${bandwidthMbps} Mb/s × ${rttMs} ms: BDP ${grouped(bdpBytes(bandwidthMbps, rttMs))} bytes, max buffer 2 × BDP`;
      return [`${path} (network namespace ${input.netns})`];
    },
  };
}
