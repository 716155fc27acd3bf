/**
 * A fixed, deterministic CPU-bound workload for the profiler benchmark: sorting, hashing into a
 * Map, JSON round trips and recursion, so the sampler walks stacks of several shapes.
 */
function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

function sortChunk(seed: number): number {
  const values = new Float64Array(2000);
  let x = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    values[i] = x / 4294967296;
  }
  values.sort();
  return values[1000] as number;
}

function mapChunk(seed: number): number {
  const map = new Map<string, number>();
  for (let i = 0; i < 300; i++) map.set(`key-${(seed + i * 7919) % 1000}`, i);
  let sum = 0;
  for (const value of map.values()) sum += value;
  return sum;
}

function jsonChunk(seed: number): number {
  const object = { seed, items: Array.from({ length: 40 }, (_, i) => ({ i, name: `item${i}`, ok: i % 3 === 0 })) };
  return (JSON.parse(JSON.stringify(object)) as { items: unknown[] }).items.length;
}

/** One unit of work (about 1 ms on the 2-core machine); `units` of them in a row. */
export function workload(units: number): number {
  let result = 0;
  for (let u = 0; u < units; u++) {
    result += sortChunk(u) + mapChunk(u) + jsonChunk(u) + fib(14);
  }
  return result;
}
