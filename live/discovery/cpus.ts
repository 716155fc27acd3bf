import type { Cpu } from "../../src/backend.js";
import type { HostFs } from "../host-fs.js";
import { parseListFile, parseNaturalFile } from "../parsers/sysfs-values.js";
import { readOptional, readParsed } from "../read-parsed.js";

const CPU = "/sys/devices/system/cpu";

/**
 * Online logical CPUs and their place (Documentation/admin-guide/cputopology.rst): package,
 * core and SMT siblings from cpuN/topology. `nodeOf` maps a CPU to its NUMA node.
 */
export async function discoverCpus(fs: HostFs, nodeOf: (cpu: number) => number): Promise<Cpu[]> {
  const online = await readParsed(fs, `${CPU}/online`, parseListFile);
  return Promise.all(
    online.map(async (id): Promise<Cpu> => {
      const dir = `${CPU}/cpu${id}/topology`;
      const packageId = (await readOptional(fs, `${dir}/physical_package_id`, parseNaturalFile)) ?? 0;
      const coreId = (await readOptional(fs, `${dir}/core_id`, parseNaturalFile)) ?? id;
      // core_cpus_list (5.3+) is the new name of thread_siblings_list.
      const siblings = (await readOptional(fs, `${dir}/core_cpus_list`, parseListFile)) ??
        (await readOptional(fs, `${dir}/thread_siblings_list`, parseListFile)) ?? [id];
      return { id, node: nodeOf(id), packageId, coreId, siblings: siblings.filter((cpu) => online.includes(cpu)) };
    }),
  );
}
