import type { NetInterface } from "../../src/backend.js";
import type { CommandRunner } from "../command-runner.js";
import type { HostFs } from "../host-fs.js";
import { parseEthtoolRings } from "../parsers/ethtool-rings.js";
import { parseIntegerFile, parseNaturalFile } from "../parsers/sysfs-values.js";
import { readOptional, readParsed } from "../read-parsed.js";

/** The driver's largest ring sizes (`ethtool -g`), or undefined: no ethtool, or a driver without rings. */
async function maxRing(runner: CommandRunner, name: string): Promise<NetInterface["maxRing"]> {
  if (!/^[\w.:@-]{1,15}$/.test(name) || !(await runner.has("ethtool"))) return undefined;
  const result = await runner.run("ethtool", ["-g", name]);
  if (result.code !== 0) return undefined;
  const rings = parseEthtoolRings(result.stdout, `ethtool -g ${name}`);
  return rings.ok ? { rx: rings.value.maxRx, tx: rings.value.maxTx } : undefined;
}

/** Ring maxima already read, by interface name and ifindex: a driver's maxima do not change. */
export type RingMaximaCache = Map<string, NetInterface["maxRing"]>;

/**
 * Network interfaces of the host's namespace (/sys/class/net). `speed` is absent, -1 or EINVAL
 * for virtual and down links: then the speed is left unknown.
 */
export async function discoverInterfaces(
  fs: HostFs,
  runner: CommandRunner,
  rings: RingMaximaCache = new Map(),
): Promise<NetInterface[]> {
  const out: NetInterface[] = [];
  for (const name of await fs.readDir("/sys/class/net")) {
    const dir = `/sys/class/net/${name}`;
    if (!(await fs.exists(`${dir}/mtu`))) continue; // bonding_masters and other plain files
    const mtu = await readParsed(fs, `${dir}/mtu`, parseNaturalFile);
    const speed = await readOptional(fs, `${dir}/speed`, parseIntegerFile).catch(() => undefined);
    const iface: NetInterface = { name, mtu };
    if (speed !== undefined && speed > 0) iface.speedMbps = speed;
    // The ifindex tells an interface made again under the same name (another driver, maybe).
    const key = `${name}@${await readOptional(fs, `${dir}/ifindex`, parseNaturalFile).catch(() => undefined)}`;
    if (!rings.has(key)) rings.set(key, name === "lo" ? undefined : await maxRing(runner, name));
    const max = rings.get(key);
    if (max !== undefined) iface.maxRing = max;
    out.push(iface);
  }
  return out;
}
