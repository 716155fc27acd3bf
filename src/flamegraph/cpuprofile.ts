import { formatJsonPath, type JsonPath, jsonErrorOffset, jsonPathOffset } from "./json-locate.js";
import { excerpt, lineAt, ProfileParseError } from "./parse-error.js";

/** A V8 CPU profile (.cpuprofile, DevTools' Profiler.Profile), as node:inspector and `node --cpu-prof` write it. */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Microseconds on V8's monotonic clock. */
  startTime: number;
  endTime: number;
  /** Node id of each sample, in time order. */
  samples: number[];
  /** Microseconds from the previous sample (the first: from startTime). */
  timeDeltas: number[];
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId?: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

type Check = (ok: boolean, path: JsonPath, expected: string) => void;

/**
 * Parses and checks a .cpuprofile: valid JSON; nodes with unique integer ids and call frames;
 * children and samples that name existing nodes; every node reached from one root exactly once;
 * as many time deltas as samples. Any problem is a ProfileParseError with the line of the
 * offending value and its JSON path.
 */
export function parseCpuProfile(text: string, source = "<input>"): CpuProfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text) ?? 0;
    const reason = (error as Error).message.replace(/, ".*" is not valid JSON$/s, "");
    throw new ProfileParseError(source, lineAt(text, offset), `invalid JSON: ${excerpt(reason, 80)}`);
  }
  const check: Check = (ok, path, expected) => {
    if (ok) return;
    let offset: number | undefined;
    for (let length = path.length; offset === undefined && length > 0; length--) {
      offset = jsonPathOffset(text, path.slice(0, length));
    }
    throw new ProfileParseError(
      source,
      lineAt(text, offset ?? 0),
      `${formatJsonPath(path) || "top level"}: expected ${expected}`,
    );
  };
  validate(data, check);
  return data as CpuProfile;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isInt = (value: unknown): value is number => Number.isSafeInteger(value);
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

function validate(data: unknown, check: Check): void {
  check(isObject(data), [], "a CPU profile object with nodes, samples and timeDeltas");
  const profile = data as Record<string, unknown>;
  const nodes = profile.nodes;
  check(Array.isArray(nodes) && nodes.length > 0, ["nodes"], "a non-empty array of profile nodes");
  check(isNumber(profile.startTime), ["startTime"], "a number (microseconds)");
  check(isNumber(profile.endTime), ["endTime"], "a number (microseconds)");
  const ids = new Map<number, number>();
  (nodes as unknown[]).forEach((node, index) => {
    check(isObject(node), ["nodes", index], "a node object");
    const { id, callFrame, children, hitCount } = node as Record<string, unknown>;
    check(isInt(id), ["nodes", index, "id"], "an integer node id");
    check(!ids.has(id as number), ["nodes", index, "id"], `a unique id (${id} is repeated)`);
    ids.set(id as number, index);
    check(isObject(callFrame), ["nodes", index, "callFrame"], "a call frame object");
    const frame = callFrame as Record<string, unknown>;
    check(typeof frame.functionName === "string", ["nodes", index, "callFrame", "functionName"], "a string");
    check(typeof frame.url === "string", ["nodes", index, "callFrame", "url"], "a string");
    check(isInt(frame.lineNumber), ["nodes", index, "callFrame", "lineNumber"], "an integer");
    check(isInt(frame.columnNumber), ["nodes", index, "callFrame", "columnNumber"], "an integer");
    check(hitCount === undefined || isInt(hitCount), ["nodes", index, "hitCount"], "an integer");
    check(
      children === undefined || (Array.isArray(children) && children.every(isInt)),
      ["nodes", index, "children"],
      "an array of node ids",
    );
  });
  const parent = new Map<number, number>();
  (nodes as { id: number; children?: number[] }[]).forEach((node, index) => {
    for (const [k, child] of (node.children ?? []).entries()) {
      check(ids.has(child), ["nodes", index, "children", k], `the id of a node (no node has id ${child})`);
      check(!parent.has(child), ["nodes", index, "children", k], `a node with one parent (node ${child} has two)`);
      parent.set(child, node.id);
    }
  });
  const roots = [...ids.keys()].filter((id) => !parent.has(id));
  check(roots.length === 1, ["nodes"], `one root node, found ${roots.length}`);
  // Every node must hang from the root: a cycle would leave nodes unreachable.
  const reached = new Set<number>([roots[0] as number]);
  const queue = [roots[0] as number];
  for (let head = 0; head < queue.length; head++) {
    const node = (nodes as { children?: number[] }[])[ids.get(queue[head] as number) as number];
    for (const child of node?.children ?? []) {
      if (reached.has(child)) continue;
      reached.add(child);
      queue.push(child);
    }
  }
  check(reached.size === ids.size, ["nodes"], "a tree (some nodes form a cycle away from the root)");
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  check(Array.isArray(samples), ["samples"], "an array of node ids");
  check(Array.isArray(deltas), ["timeDeltas"], "an array of microsecond deltas");
  for (const [k, id] of (samples as unknown[]).entries())
    check(isInt(id) && ids.has(id), ["samples", k], "the id of a node");
  for (const [k, delta] of (deltas as unknown[]).entries())
    check(isNumber(delta), ["timeDeltas", k], "a number (microseconds)");
  check(
    (deltas as unknown[]).length === (samples as unknown[]).length,
    ["timeDeltas"],
    "as many time deltas as samples",
  );
  profile.samples = samples;
  profile.timeDeltas = deltas;
}
