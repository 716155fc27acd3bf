import type { KnobName, KnobRef, KnobValues } from "../../src/backend.js";
import { KnobPermissionError } from "../../src/backend.js";
import type { Parsed } from "../parsers/parsed.js";
import type { KnobAccess, KnobContext } from "./knob-access.js";
import { readKnobFile, verifyByReadBack } from "./shared.js";

export type Check<V> = (ctx: KnobContext, ref: KnobRef, value: V) => Promise<V>;

export interface SysctlSpec<K extends KnobName> {
  name: K;
  /** Path below /proc/sys. */
  key: string;
  order: number;
  summary: string;
  /** "netns": every network namespace has its own; "global": only the host's (absent or read-only in others). */
  scope: "netns" | "global";
  read: (text: string, file: string) => Parsed<KnobValues[K]>;
  format: (value: KnobValues[K]) => string;
  check: Check<KnobValues[K]>;
  parse: (text: string) => KnobValues[K];
}

export const sysctlPath = (key: string) => `/proc/sys/${key}`;

/** A net.* sysctl knob; the target is a network namespace name, "host" for the host's own. */
export function sysctlKnob<K extends KnobName>(spec: SysctlSpec<K>): KnobAccess<K> {
  const path = sysctlPath(spec.key);
  const get = (ctx: KnobContext, target: string) =>
    readKnobFile(ctx.netns(target), { knob: spec.name, target } as KnobRef, path, spec.read);
  return {
    name: spec.name,
    group: "net",
    order: spec.order,
    summary: `${spec.summary}: ${path}${spec.scope === "global" ? " (host only)" : ""}`,
    targets: async (ctx) => ((await ctx.host.exists(path)) ? ["host"] : []),
    available: async (ctx, target) =>
      spec.scope === "global" && target !== "host" ? false : ctx.netns(target).exists(path),
    path: () => path,
    get,
    identity: async (ctx, target) =>
      target === "host" || ctx.netnsIdentity === undefined ? target : ctx.netnsIdentity(target),
    writable: (ctx, target) => ctx.netns(target).checkWritable(path),
    async set(ctx, target, value, options) {
      const ref = { knob: spec.name, target } as KnobRef;
      if (spec.scope === "global" && target !== "host") {
        throw new KnobPermissionError(
          ref,
          path,
          "a host-wide setting: it is read-only or absent in other network namespaces",
        );
      }
      const normalized = options.restore ? value : await spec.check(ctx, ref, value);
      if (!options.dryRun) await ctx.netns(target).writeText(path, spec.format(normalized));
      return normalized;
    },
    verify: verifyByReadBack(get),
    parse: spec.parse,
  };
}
