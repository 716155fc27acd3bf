/** Ids above this are refused: far past the kernel's NR_CPUS maximum of 8192. */
const MAX_CPU_ID = 65_535;

/**
 * The kernel's list format for CPUs and nodes ("0-3,8-11", cpulist_parse in lib/bitmap.c), used
 * by sysfs *_list files, /proc/<pid>/status Cpus_allowed_list and cpuset files. Also accepts the
 * stride form "0-15:2" (every second CPU) that cpulist_parse allows.
 */
export function parseCpuList(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const out = new Set<number>();
  for (const part of trimmed.split(",")) {
    const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (match === null) throw new RangeError(`not a CPU list: '${text}' (at '${part}')`);
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    const stride = match[3] === undefined ? 1 : Number(match[3]);
    if (high < low || stride < 1) throw new RangeError(`not a CPU list: '${text}' (range '${part}')`);
    // Expanding a typo such as 0-15000000 would take seconds and gigabytes.
    if (high > MAX_CPU_ID) throw new RangeError(`not a CPU list: '${text}' (ids stop at ${MAX_CPU_ID})`);
    for (let cpu = low; cpu <= high; cpu += stride) out.add(cpu);
  }
  return [...out].sort((a, b) => a - b);
}

/** Formats ids in the kernel's list format, collapsing runs: [0,1,2,3,8] → "0-3,8". */
export function formatCpuList(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}
