import { fail, natural, numberedLines, ok, type Parsed } from "./parsed.js";
import { parseListFile } from "./sysfs-values.js";

export interface NumaMapping {
  address: string;
  /** default, local, bind, prefer, prefer (many), interleave, weighted interleave. */
  policy: string;
  policyNodes: number[];
  /** Pages of this mapping on each node. */
  pagesByNode: Map<number, number>;
  pageSizeBytes: number;
}

const POLICY =
  /^([0-9a-f]{1,16}) (default|local|bind|prefer \(many\)|prefer|weighted interleave|interleave)(=[a-z|]+)?(?::(\S*))?(?: (.*))?$/;

/**
 * /proc/<pid>/numa_maps (proc(5), Documentation/admin-guide/mm/numa_memory_policy.rst): one
 * line per mapping, `address policy[=flags][:nodes] [file=...] [anon=N] ... N<node>=<pages>
 * kernelpagesize_kB=<k>`. File names can hold spaces, so the counters are matched as tokens.
 */
export function parseNumaMaps(text: string, file = "/proc/self/numa_maps"): Parsed<NumaMapping[]> {
  const out: NumaMapping[] = [];
  for (const { text: line, line: number } of numberedLines(text)) {
    const match = POLICY.exec(line);
    if (match === null) return fail(file, number, "expected 'address policy ...'");
    let policyNodes: number[] = [];
    if (match[4] !== undefined && match[4] !== "") {
      const nodes = parseListFile(match[4], file);
      if (!nodes.ok) return fail(file, number, `policy nodes: ${nodes.error.detail}`);
      policyNodes = nodes.value;
    }
    const pagesByNode = new Map<number, number>();
    let pageSizeBytes = 4096;
    for (const token of (match[5] ?? "").split(" ")) {
      const node = /^N(\d{1,5})=(\d{1,16})$/.exec(token);
      if (node !== null) pagesByNode.set(Number(node[1]), Number(node[2]));
      const size = /^kernelpagesize_kB=(\S*)$/.exec(token);
      if (size !== null) {
        const kb = natural(size[1]);
        if (kb === undefined || kb === 0) return fail(file, number, "kernelpagesize_kB is not a positive number");
        pageSizeBytes = kb * 1024;
      }
    }
    out.push({ address: match[1] as string, policy: match[2] as string, policyNodes, pagesByNode, pageSizeBytes });
  }
  return ok(out);
}

/** Bytes of the process on each node, summed over its mappings. */
export function bytesByNode(mappings: readonly NumaMapping[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const mapping of mappings) {
    for (const [node, pages] of mapping.pagesByNode) {
      out.set(node, (out.get(node) ?? 0) + pages * mapping.pageSizeBytes);
    }
  }
  return out;
}
