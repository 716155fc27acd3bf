import type { KnobName } from "../../src/backend.js";
import { KnobPermissionError } from "../../src/backend.js";
import { MAX_BUFFER_BYTES } from "../../src/knob-bounds.js";
import { fail, ok, type Parsed } from "../parsers/parsed.js";
import { parseIntegerFile, parseIntegerRow, parseWordFile } from "../parsers/sysfs-values.js";
import { requireBufferTriple, requireInteger, requireOneOf } from "./bounds.js";
import { parseIntegerText, readKnobFile, valueError } from "./shared.js";
import { sysctlKnob, sysctlPath } from "./sysctl-knob.js";

const triple = (text: string, file: string): Parsed<[number, number, number]> => {
  const row = parseIntegerRow(text, file, 3);
  return row.ok ? ok(row.value as [number, number, number]) : row;
};

const parseTriple = (text: string): [number, number, number] => {
  const parts = text.trim().split(/[\s,]+/);
  if (parts.length !== 3) throw new Error(`expected 'min default max', got '${text}'`);
  return parts.map(parseIntegerText) as [number, number, number];
};

const flag = (name: KnobName, key: string, order: number, summary: string, values: number[]) =>
  sysctlKnob({
    name: name as "tcp-sack",
    key,
    order,
    summary,
    scope: "netns",
    read: parseIntegerFile,
    format: String,
    check: async (_ctx, ref, value) => requireOneOf(ref, value, values),
    parse: parseIntegerText,
  });

const bufferTriple = (name: "tcp-rmem" | "tcp-wmem", key: string, order: number) =>
  sysctlKnob({
    name,
    key,
    order,
    summary: `TCP ${name === "tcp-rmem" ? "receive" : "send"} buffer min, default, max (bytes)`,
    scope: "netns",
    read: triple,
    format: (value) => value.join(" "),
    check: async (_ctx, ref, value) => requireBufferTriple(ref, value),
    parse: parseTriple,
  });

const wordList = (text: string, file: string) => {
  const words = text.trim().split(/\s+/);
  return words.every((word) => /^[\w-]+$/.test(word)) ? ok(words) : fail<string[]>(file, 1, "expected names");
};

export const tcpRmem = bufferTriple("tcp-rmem", "net/ipv4/tcp_rmem", 50);
export const tcpWmem = bufferTriple("tcp-wmem", "net/ipv4/tcp_wmem", 51);

export const tcpCongestionControl = sysctlKnob({
  name: "tcp-congestion-control",
  key: "net/ipv4/tcp_congestion_control",
  order: 52,
  summary: "TCP congestion control of new connections",
  scope: "netns",
  read: parseWordFile,
  format: String,
  async check(ctx, ref, value) {
    const name = value.trim();
    const fs = ctx.netns(ref.target);
    const available = await readKnobFile(fs, ref, sysctlPath("net/ipv4/tcp_available_congestion_control"), wordList);
    if (!available.includes(name)) {
      throw valueError(
        ref,
        `'${name}' is not loaded in this kernel (available: ${available.join(", ")}); if it is a module, 'modprobe tcp_${name}' loads it`,
      );
    }
    if (ref.target !== "host") {
      // A non-initial namespace may only pick an allowed one (EPERM otherwise, kernel 5.13+, commit 8d432592f30f).
      const allowedPath = sysctlPath("net/ipv4/tcp_allowed_congestion_control");
      const allowed = await readKnobFile(fs, ref, allowedPath, wordList);
      if (!allowed.includes(name)) {
        throw new KnobPermissionError(
          ref,
          allowedPath,
          `'${name}' is not in tcp_allowed_congestion_control (${allowed.join(", ")}), which only the host may extend`,
        );
      }
    }
    return name;
  },
  parse: (text) => text.trim(),
});

export const tcpWindowScaling = flag(
  "tcp-window-scaling",
  "net/ipv4/tcp_window_scaling",
  53,
  "RFC 7323 window scaling (0/1)",
  [0, 1],
);
export const tcpSack = flag("tcp-sack", "net/ipv4/tcp_sack", 54, "selective acknowledgements (0/1)", [0, 1]);
export const tcpTimestamps = flag(
  "tcp-timestamps",
  "net/ipv4/tcp_timestamps",
  55,
  "TCP timestamps (0 off, 1 on, 2 without random offset)",
  [0, 1, 2],
);
export const tcpMtuProbing = flag(
  "tcp-mtu-probing",
  "net/ipv4/tcp_mtu_probing",
  56,
  "packetization-layer MTU probing (0 off, 1 on ICMP black hole, 2 always)",
  [0, 1, 2],
);

const bounded = (
  name: "somaxconn" | "netdev-max-backlog" | "rmem-max" | "wmem-max",
  key: string,
  order: number,
  summary: string,
  scope: "netns" | "global",
  min: number,
  max: number,
) =>
  sysctlKnob({
    name,
    key,
    order,
    summary,
    scope,
    read: parseIntegerFile,
    format: String,
    check: async (_ctx, ref, value) => requireInteger(ref, value, min, max),
    parse: parseIntegerText,
  });

/** ≤ 65535: sk_max_ack_backlog was a u16 before 5.4 (commit 19f92a030ca6), so larger values truncated. */
export const somaxconn = bounded("somaxconn", "net/core/somaxconn", 57, "listen() backlog limit", "netns", 1, 65_535);
/**
 * ≤ 1,048,576 packets per CPU: a sanity cap 35× above the largest value bpftune's net_buffer tuner
 * is documented to reach (30000, CASE_STUDIES.md); a deeper backlog is seconds of queueing.
 */
export const netdevMaxBacklog = bounded(
  "netdev-max-backlog",
  "net/core/netdev_max_backlog",
  58,
  "per-CPU input backlog (packets)",
  "global",
  1,
  1_048_576,
);
/** SOCK_MIN_RCVBUF is 2048 + skb overhead; 4096 is a safe floor. The same 1 GiB cap as tcp_rmem. */
export const rmemMax = bounded(
  "rmem-max",
  "net/core/rmem_max",
  59,
  "largest SO_RCVBUF a socket may ask for (bytes)",
  "global",
  4096,
  MAX_BUFFER_BYTES,
);
export const wmemMax = bounded(
  "wmem-max",
  "net/core/wmem_max",
  60,
  "largest SO_SNDBUF a socket may ask for (bytes)",
  "global",
  4096,
  MAX_BUFFER_BYTES,
);
