import type { BlockDevice, DeviceClass } from "../../src/backend.js";
import type { HostFs } from "../host-fs.js";
import { parseNaturalFile, parseSchedulerFile } from "../parsers/sysfs-values.js";
import { readOptional, readParsed } from "../read-parsed.js";

export interface DeviceFacts {
  name: string;
  rotational: boolean;
  hardwareQueues: number;
  model?: string;
  /** Where /sys/block/<name> resolves to, e.g. /sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda. */
  devicePath: string;
}

/**
 * Device class from several hints, since `rotational` alone lies (it is only what the driver
 * reports, Documentation/ABI/stable/sysfs-block; virtio disks and attached loop devices say 1 on
 * 6.18): the name (nvme*, loop*), the bus in the
 * device path (virtio, xen) or a hypervisor's model string, then the rotational flag.
 */
export function classifyDevice(facts: DeviceFacts): DeviceClass {
  const { name, model = "", devicePath } = facts;
  if (/^nvme\d+n\d+$/.test(name)) return "nvme";
  if (/^loop\d+$/.test(name)) return "loop";
  if (/^(zram|ram|dm-|md|nbd|sr)\d+$/.test(name)) return "unknown";
  if (/\/virtio\d+\/|\/vbd-|\/xen\//.test(devicePath) || /^x?vd[a-z]+$/.test(name)) return "virtual";
  if (/QEMU|VBOX|VMware|Virtual disk|Msft|Google PersistentDisk|Amazon Elastic/i.test(model)) return "virtual";
  return facts.rotational ? "hdd" : "ssd";
}

/**
 * Whole disks under /sys/block (partitions have no queue/). Devices of size 0 (an unattached
 * loop, a zram not set up, a drive without a medium) are left out. Bio-based devices (zram,
 * dm, md) have no scheduler: `schedulers` is empty.
 */
export async function discoverBlockDevices(fs: HostFs): Promise<BlockDevice[]> {
  const out: BlockDevice[] = [];
  for (const name of await fs.readDir("/sys/block")) {
    const dir = `/sys/block/${name}`;
    const sizeBytes = (await readParsed(fs, `${dir}/size`, parseNaturalFile)) * 512;
    if (sizeBytes === 0) continue; // unattached loop, zram not set up, drive without a medium
    const rotational = (await readOptional(fs, `${dir}/queue/rotational`, parseNaturalFile)) === 1;
    const scheduler = await readOptional(fs, `${dir}/queue/scheduler`, parseSchedulerFile);
    const hardwareQueues = (await fs.exists(`${dir}/mq`))
      ? (await fs.readDir(`${dir}/mq`)).filter((entry) => /^\d+$/.test(entry)).length
      : 0;
    const model = (await fs.exists(`${dir}/device/model`))
      ? (await fs.readText(`${dir}/device/model`)).trim()
      : undefined;
    const devicePath = await fs.resolve(dir).catch(() => dir);
    const deviceClass = classifyDevice({ name, rotational, hardwareQueues, model, devicePath });
    const device: BlockDevice = {
      name,
      deviceClass,
      rotational,
      hardwareQueues,
      sizeBytes,
      schedulers:
        scheduler?.available.length === 1 && scheduler.available[0] === "none" ? [] : (scheduler?.available ?? []),
    };
    if (model !== undefined && model !== "") device.model = model;
    out.push(device);
  }
  return out;
}
