import type { HostFs } from "../host-fs.js";
import { parseNaturalFile } from "../parsers/sysfs-values.js";
import { readOptional } from "../read-parsed.js";

/** Disks with a request queue and a size (an unattached loop device has neither worth tuning). */
export async function blockTargets(fs: HostFs, file: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await fs.readDir("/sys/block")) {
    const size = await readOptional(fs, `/sys/block/${name}/size`, parseNaturalFile);
    if (size && (await fs.exists(`/sys/block/${name}/queue/${file}`))) out.push(name);
  }
  return out;
}

/** A device name as a path component: no slashes, no dots of its own. */
export function deviceName(target: string): string {
  if (!/^[\w:!+-][\w.:!+-]{0,63}$/.test(target)) throw new Error(`'${target}' is not a block device name`);
  return target;
}
