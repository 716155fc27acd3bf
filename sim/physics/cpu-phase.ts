import type { RequestConfig } from "../../src/scenario/scenario-schema.js";
import { llcMissRatio } from "./cache-miss.js";

/** The host conditions a request's CPU phase runs under. */
export interface CpuConditions {
  /** Instruction throughput relative to a solo thread on an idle core: SMT sibling busy → pair/2, time-shared by k → /k. */
  speed: number;
  /** Threads time-sharing the CPU (stalls stretch by this too). */
  sharing: number;
  /** Last-level cache bytes this VM gets. */
  cacheShareBytes: number;
  /** Mean memory latency from the thread's node to the VM's pages, ns. */
  memoryLatencyNs: number;
  /** Bytes the thread must refill because it moved (0 if it did not). */
  refillBytes: number;
  /** CPU spent in the kernel on the request's I/Os (path and scheduler), ms. */
  ioCpuMs: number;
}

/** A thread that moves to a cold cache refills it at about 10 GB/s (single-core memory bandwidth, estimate). */
export const REFILL_BYTES_PER_MS = 10e9 / 1000;

/**
 * Wall time of a request's CPU phase, the one formula both fidelities use: instructions at the
 * thread's speed, plus memory stalls (LLC misses from the cache share, each paying the NUMA
 * latency, overlapped `memoryParallelism` at a time), plus cache refill after a migration;
 * stalls stretch with time sharing but not with SMT (CPI = CPI0 + MPKI·penalty: the memory-stall
 * cycles of Hennessy & Patterson, Computer Architecture: A Quantitative Approach).
 */
export function cpuPhase(
  request: RequestConfig,
  cpuMs: number,
  conditions: CpuConditions,
): { wallMs: number; misses: number } {
  const missRatio = llcMissRatio(
    { workingSetBytes: request.workingSetMiB * 1024 * 1024, compulsoryMissRatio: request.compulsoryMissRatio },
    conditions.cacheShareBytes,
  );
  const misses = request.memoryAccesses * missRatio;
  const stallMs = (misses * conditions.memoryLatencyNs) / request.memoryParallelism / 1e6;
  const refillMs = conditions.refillBytes / REFILL_BYTES_PER_MS;
  const wallMs = (cpuMs + conditions.ioCpuMs) / conditions.speed + (stallMs + refillMs) * conditions.sharing;
  return { wallMs, misses };
}
