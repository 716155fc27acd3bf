import type { KnobRef } from "../../src/backend.js";
import { KnobValueError } from "../../src/backend.js";
import { formatCpuList } from "../../src/cpulist.js";
import { MAX_BUFFER_BYTES } from "../../src/knob-bounds.js";

export function requireInteger(ref: KnobRef, value: unknown, min: number, max: number, what = "value"): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new KnobValueError(ref, `${what} must be an integer, got ${JSON.stringify(value)}`);
  }
  if (value < min || value > max) throw new KnobValueError(ref, `${what} ${value} is outside [${min}, ${max}]`);
  return value;
}

export function requireOneOf<T>(ref: KnobRef, value: T, allowed: readonly T[], what = "value"): T {
  if (!allowed.includes(value)) {
    throw new KnobValueError(ref, `${what} ${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
  }
  return value;
}

/**
 * A tcp_rmem / tcp_wmem triple: min, default, max, strictly increasing, min at least 1 page
 * (4096, the kernel default min), max at most 1 GiB. bpftune#36 shows what an unchecked max does:
 * it overflowed to -2126562996.
 */
export function requireBufferTriple(ref: KnobRef, value: unknown): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3) {
    throw new KnobValueError(ref, `expected three integers 'min default max', got ${JSON.stringify(value)}`);
  }
  const [min, def, max] = value.map((part, i) =>
    requireInteger(ref, part, 4096, MAX_BUFFER_BYTES, ["min", "default", "max"][i]),
  ) as [number, number, number];
  if (!(min < def && def < max)) {
    throw new KnobValueError(ref, `min ${min} < default ${def} < max ${max} must hold (strictly increasing)`);
  }
  return [min, def, max];
}

/** A CPU or node set: non-empty, each id among `allowed`, sorted without duplicates. */
export function requireIdSet(ref: KnobRef, value: unknown, allowed: readonly number[], what: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((id) => Number.isSafeInteger(id) && id >= 0)) {
    throw new KnobValueError(ref, `expected a non-empty list of ${what} ids, got ${JSON.stringify(value)}`);
  }
  const ids = [...new Set(value as number[])].sort((a, b) => a - b);
  const outside = ids.filter((id) => !allowed.includes(id));
  if (outside.length > 0) {
    throw new KnobValueError(
      ref,
      `${what} ${formatCpuList(outside)} not available here (available: ${formatCpuList([...allowed].sort((a, b) => a - b))})`,
    );
  }
  return ids;
}
