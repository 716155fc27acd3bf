import type { NetInterface } from "../../src/backend.js";
import type { HostFs } from "../host-fs.js";
import { parseIntegerFile, parseNaturalFile } from "../parsers/sysfs-values.js";
import { readOptional, readParsed } from "../read-parsed.js";

/**
 * Network interfaces of the host's namespace (/sys/class/net). `speed` is absent, -1 or EINVAL
 * for virtual and down links: then the speed is left unknown.
 */
export async function discoverInterfaces(fs: HostFs): Promise<NetInterface[]> {
  const out: NetInterface[] = [];
  for (const name of await fs.readDir("/sys/class/net")) {
    const dir = `/sys/class/net/${name}`;
    if (!(await fs.exists(`${dir}/mtu`))) continue; // bonding_masters and other plain files
    const mtu = await readParsed(fs, `${dir}/mtu`, parseNaturalFile);
    const speed = await readOptional(fs, `${dir}/speed`, parseIntegerFile).catch(() => undefined);
    const iface: NetInterface = { name, mtu };
    if (speed !== undefined && speed > 0) iface.speedMbps = speed;
    out.push(iface);
  }
  return out;
}
