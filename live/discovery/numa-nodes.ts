import type { NumaNode } from "../../src/backend.js";
import type { HostFs } from "../host-fs.js";
import { parseMeminfo, requireKey } from "../parsers/meminfo.js";
import { unwrap } from "../parsers/parsed.js";
import { parseIntegerRow, parseListFile } from "../parsers/sysfs-values.js";
import { readOptional, readParsed } from "../read-parsed.js";

const NODE = "/sys/devices/system/node";

/**
 * NUMA nodes (Documentation/ABI/stable/sysfs-devices-node): cpulist, the SLIT distance row and
 * MemTotal of each online node. A kernel without CONFIG_NUMA has no node directory: one node
 * holding every CPU and all memory.
 */
export async function discoverNodes(fs: HostFs, onlineCpus: number[], memTotalBytes: number): Promise<NumaNode[]> {
  const online = await readOptional(fs, `${NODE}/online`, parseListFile);
  if (online === undefined) return [{ id: 0, cpus: onlineCpus, memoryBytes: memTotalBytes, distances: [10] }];
  return Promise.all(
    online.map(async (id): Promise<NumaNode> => {
      const dir = `${NODE}/node${id}`;
      const cpus = (await readParsed(fs, `${dir}/cpulist`, parseListFile)).filter((cpu) => onlineCpus.includes(cpu));
      const distances = await readParsed(fs, `${dir}/distance`, (text, file) => parseIntegerRow(text, file));
      const meminfo = await readParsed(fs, `${dir}/meminfo`, parseMeminfo);
      return { id, cpus, memoryBytes: unwrap(requireKey(meminfo, "MemTotal", `${dir}/meminfo`)), distances };
    }),
  );
}
