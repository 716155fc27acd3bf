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

/**
 * A disk beyond its name: its diskseq (/sys/block/<dev>/diskseq, Linux 5.15+), which a new disk
 * under a reused name (a loop device detached and attached again) does not share. Where the
 * kernel has none, the name alone.
 */
export async function diskIdentity(fs: HostFs, device: string): Promise<string> {
  if (!(await fs.exists(`/sys/block/${deviceName(device)}`))) throw new Error(`no disk '${device}'`);
  const seq = await readOptional(fs, `/sys/block/${device}/diskseq`, parseNaturalFile);
  return seq === undefined ? device : `${device}@diskseq:${seq}`;
}
