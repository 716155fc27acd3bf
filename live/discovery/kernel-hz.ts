import { gunzipSync } from "node:zlib";
import type { HostFs } from "../host-fs.js";

/** The CONFIG_HZ values Kconfig offers (kernel/Kconfig.hz); anything else in a config is not believed. */
const KCONFIG_HZ = new Set([100, 250, 300, 1000]);

/** CONFIG_HZ from a kernel config's text, undefined when it does not say or says something odd. */
export function parseConfigHz(text: string): number | undefined {
  const match = /^CONFIG_HZ=(\d+)$/m.exec(text);
  const hz = match ? Number(match[1]) : Number.NaN;
  return KCONFIG_HZ.has(hz) ? hz : undefined;
}

/**
 * The running kernel's tick rate, from its build config: /boot/config-<release> as distributions
 * install it, else /proc/config.gz (CONFIG_IKCONFIG_PROC). Undefined when neither is there: the
 * tick cannot be read from a running kernel otherwise (USER_HZ, what sysconf(_SC_CLK_TCK) gives,
 * is always 100).
 */
export async function kernelHz(host: HostFs): Promise<number | undefined> {
  const release = (await host.readText("/proc/sys/kernel/osrelease").catch(() => "")).trim();
  if (release !== "" && !release.includes("/")) {
    const text = await host.readText(`/boot/config-${release}`).catch(() => undefined);
    const hz = text === undefined ? undefined : parseConfigHz(text);
    if (hz !== undefined) return hz;
  }
  const packed = await host.readBytes?.("/proc/config.gz").catch(() => undefined);
  if (packed === undefined) return undefined;
  try {
    return parseConfigHz(gunzipSync(packed).toString("utf8"));
  } catch {
    return undefined; // not gzip: no answer rather than a wrong one
  }
}

/**
 * What the kernel holds for `ms` milliseconds kept in ticks, where a tick is a whole number of
 * milliseconds (HZ = 100, 250 or 1000): written through msecs_to_jiffies, which rounds up to the
 * tick, and read through jiffies_to_msecs, ticks x (1000 / HZ) (include/linux/jiffies.h,
 * kernel/time/time.c). At HZ=250, 125 reads back as 128. Undefined at HZ=300: there a value read
 * back (38 ticks read as 127) written again becomes another (127 ms is 39 ticks), so no value
 * can be planned that the kernel keeps as asked.
 */
export function heldInTicks(ms: number, hz: number): number | undefined {
  if (1000 % hz !== 0) return undefined;
  const tickMs = 1000 / hz;
  return Math.ceil(ms / tickMs) * tickMs;
}
