import type { KnobRef, KnobValues } from "../../src/backend.js";
import { type Feature, parseEthtoolFeatures } from "../parsers/ethtool-features.js";
import { parseEthtoolRings } from "../parsers/ethtool-rings.js";
import { type Parsed, unwrap } from "../parsers/parsed.js";
import { parseNaturalFile } from "../parsers/sysfs-values.js";
import { readOptional } from "../read-parsed.js";
import { requireInteger } from "./bounds.js";
import type { KnobAccess, KnobContext } from "./knob-access.js";
import { commandFailure, requireRoot, valueError, verifyByReadBack } from "./shared.js";

/** Interface names as the kernel allows them (IFNAMSIZ 16, no '/' or spaces). */
function iface(ref: KnobRef): string {
  if (!/^[\w.:@-]{1,15}$/.test(ref.target)) throw valueError(ref, `'${ref.target}' is not a network interface name`);
  return ref.target;
}

/** Runs `ethtool <flag> <iface>` and parses its text (ethtool 6.1 has no --json for -g). */
async function ethtoolRead<T>(
  ctx: KnobContext,
  ref: KnobRef,
  flag: string,
  parse: (text: string, file: string) => Parsed<T>,
): Promise<T> {
  const args = [flag, iface(ref)];
  const result = await ctx.runner.run("ethtool", args);
  if (result.code !== 0) throw commandFailure("ethtool", args, result);
  return unwrap(parse(result.stdout, `ethtool ${args.join(" ")}`));
}

async function ethtoolWrite(ctx: KnobContext, args: string[]): Promise<void> {
  requireRoot(ctx, `ethtool ${args.join(" ")}`);
  const result = await ctx.runner.run("ethtool", args);
  // 80: "nothing changed" from the netlink interface; tuned ignores it too.
  if (result.code !== 0 && result.code !== 80) throw commandFailure("ethtool", args, result);
}

async function interfaces(ctx: KnobContext): Promise<string[]> {
  if (!(await ctx.runner.has("ethtool"))) return [];
  return (await ctx.host.readDir("/sys/class/net")).filter((name) => name !== "lo" && name !== "bonding_masters");
}

async function supports(ctx: KnobContext, flag: string, target: string): Promise<boolean> {
  if (!/^[\w.:@-]{1,15}$/.test(target) || !(await ctx.runner.has("ethtool"))) return false;
  return (await ctx.runner.run("ethtool", [flag, target])).code === 0;
}

/**
 * An interface beyond its name: its ifindex, which an interface made again under the same name
 * (a veth pair recreated, a driver reloaded) does not share. Where sysfs has none, the name alone.
 */
async function interfaceIdentity(ctx: KnobContext, target: string): Promise<string> {
  const ifindex = await readOptional(ctx.host, `/sys/class/net/${target}/ifindex`, parseNaturalFile);
  return ifindex === undefined ? target : `${target}@ifindex:${ifindex}`;
}

const getRings = async (ctx: KnobContext, target: string) => {
  const rings = await ethtoolRead(ctx, { knob: "nic-rings", target }, "-g", parseEthtoolRings);
  return { rx: rings.rx, tx: rings.tx };
};

export const nicRings: KnobAccess<"nic-rings"> = {
  name: "nic-rings",
  group: "nic",
  order: 90,
  summary: "NIC RX/TX ring sizes, at most the driver's pre-set maximums: ethtool -G",
  targets: async (ctx) => {
    const out: string[] = [];
    for (const name of await interfaces(ctx)) if (await supports(ctx, "-g", name)) out.push(name);
    return out;
  },
  available: (ctx, target) => supports(ctx, "-g", target),
  path: (target) => `ethtool -G ${target}`,
  identity: interfaceIdentity,
  writable: async (ctx, target) => requireRoot(ctx, `ethtool -G ${target}`),
  get: getRings,
  async set(ctx, target, value, options) {
    const ref: KnobRef = { knob: "nic-rings", target };
    const rings = await ethtoolRead(ctx, ref, "-g", parseEthtoolRings);
    const rx = requireInteger(ref, value.rx, 1, options.restore ? Number.MAX_SAFE_INTEGER : rings.maxRx, "rx ring");
    const tx = requireInteger(ref, value.tx, 1, options.restore ? Number.MAX_SAFE_INTEGER : rings.maxTx, "tx ring");
    if (!options.dryRun) await ethtoolWrite(ctx, ["-G", iface(ref), "rx", String(rx), "tx", String(tx)]);
    return { rx, tx };
  },
  verify: verifyByReadBack(getRings),
  parse(text) {
    const both = /^\s*(\d+)\s*$/.exec(text);
    if (both) return { rx: Number(both[1]), tx: Number(both[1]) };
    const match = /^\s*rx[= ](\d+)[,\s]+tx[= ](\d+)\s*$/.exec(text);
    if (match === null) throw new Error(`expected 'rx=N,tx=N' or one N for both, got '${text}'`);
    return { rx: Number(match[1]), tx: Number(match[2]) };
  },
};

/** The offloads the knob manages, by the names `ethtool -k` prints; short names map to them. */
export const OFFLOADS: Record<string, string> = {
  tso: "tcp-segmentation-offload",
  gso: "generic-segmentation-offload",
  gro: "generic-receive-offload",
  lro: "large-receive-offload",
  sg: "scatter-gather",
  rx: "rx-checksumming",
  tx: "tx-checksumming",
};
const MANAGED = Object.values(OFFLOADS);
const SHORT = new Map(Object.entries(OFFLOADS).map(([short, long]) => [long, short]));

/**
 * Why an offload write read back differently, in the words `--set` takes: the kernel adjusts
 * features that depend on each other (net/core/dev.c, netdev_fix_features: no GSO or TSO without
 * scatter-gather, for one), and a driver may keep a feature as it was.
 */
export function offloadMismatch(
  previous: Record<string, boolean>,
  wrote: Record<string, boolean>,
  found: Record<string, boolean>,
): string | undefined {
  const spell = (name: string, on: boolean | undefined) => `${SHORT.get(name) ?? name}=${on ? "on" : "off"}`;
  const asked = Object.keys(wrote).filter((name) => wrote[name] !== previous[name]);
  const along = Object.keys(found).filter((name) => found[name] !== wrote[name] && !asked.includes(name));
  const kept = asked.filter((name) => found[name] !== wrote[name]);
  const parts: string[] = [];
  if (along.length > 0)
    parts.push(
      `the kernel also set ${along.map((name) => spell(name, found[name])).join(", ")} (features that depend on each other); ask for them together: ${[...asked.map((name) => spell(name, wrote[name])), ...along.map((name) => spell(name, found[name]))].join(",")}`,
    );
  if (kept.length > 0) parts.push(`the driver kept ${kept.map((name) => spell(name, found[name])).join(", ")}`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** The managed offloads the driver lets us change; a [fixed] one is not part of the knob's value. */
function pick(features: Map<string, Feature>): KnobValues["nic-offloads"] {
  const out: Record<string, boolean> = {};
  for (const name of [...MANAGED].sort()) {
    const feature = features.get(name);
    if (feature !== undefined && !feature.fixed) out[name] = feature.on;
  }
  return out;
}

const getOffloads = async (ctx: KnobContext, target: string) =>
  pick(await ethtoolRead(ctx, { knob: "nic-offloads", target }, "-k", parseEthtoolFeatures));

export const nicOffloads: KnobAccess<"nic-offloads"> = {
  name: "nic-offloads",
  group: "nic",
  order: 91,
  summary: `NIC offloads (${Object.keys(OFFLOADS).join(", ")}), [fixed] ones refused: ethtool -K`,
  targets: async (ctx) => {
    const out: string[] = [];
    for (const name of await interfaces(ctx)) if (await supports(ctx, "-k", name)) out.push(name);
    return out;
  },
  available: (ctx, target) => supports(ctx, "-k", target),
  path: (target) => `ethtool -K ${target}`,
  identity: interfaceIdentity,
  writable: async (ctx, target) => requireRoot(ctx, `ethtool -K ${target}`),
  get: getOffloads,
  async set(ctx, target, value, options) {
    const ref: KnobRef = { knob: "nic-offloads", target };
    const features = await ethtoolRead(ctx, ref, "-k", parseEthtoolFeatures);
    const current = pick(features);
    const next: Record<string, boolean> = { ...current };
    const args: string[] = [];
    for (const [given, on] of Object.entries(value)) {
      const name = OFFLOADS[given] ?? given;
      const feature = features.get(name);
      if (!MANAGED.includes(name) || feature === undefined)
        throw valueError(ref, `no offload '${given}' here (managed: ${Object.keys(OFFLOADS).join(", ")})`);
      if (typeof on !== "boolean") throw valueError(ref, `${name} must be on or off`);
      if (feature.on === on) continue;
      if (feature.fixed) throw valueError(ref, `${name} is [fixed] by the driver (${feature.on ? "on" : "off"})`);
      next[name] = on;
      args.push(name, on ? "on" : "off");
    }
    if (!options.dryRun && args.length > 0) await ethtoolWrite(ctx, ["-K", iface(ref), ...args]);
    return next;
  },
  verify: verifyByReadBack(getOffloads),
  explainMismatch: offloadMismatch,
  parse(text) {
    const out: Record<string, boolean> = {};
    for (const part of text.split(/[,\s]+/).filter(Boolean)) {
      const match = /^([a-z-]+)=(on|off)$/.exec(part);
      if (match === null) throw new Error(`expected 'tso=on,gro=off', got '${part}'`);
      out[OFFLOADS[match[1] as string] ?? (match[1] as string)] = match[2] === "on";
    }
    if (Object.keys(out).length === 0) throw new Error("expected at least one offload, e.g. 'gro=on'");
    return out;
  },
};
