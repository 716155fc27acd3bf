import { median } from "simple-statistics";
import type { Observation, Topology } from "../backend.js";

/**
 * A workload moving this many times the others' median memory traffic per busy vCPU streams
 * through memory rather than working from its caches.
 */
export const NOISY_TRAFFIC_FACTOR = 4;

/**
 * ... and at least this much per busy vCPU: a tenth of what one core can stream (about 10 GB/s
 * single-core read bandwidth on a server of the seed host's generation; estimate, measure with
 * Intel MLC --max_bandwidth -k1). Less than that evicts too few lines to matter.
 */
export const NOISY_MIN_BYTES_PER_VCPU = 1e9;

/** Below this busy share a workload streams too little to hurt anyone. */
const BUSY_ENOUGH = 0.25;

/**
 * Noisy neighbours found by measurement, not by label (the seed document's "IsolateNoisy"):
 * workloads of every class but high priority whose memory traffic (LLC misses x 64 B per second)
 * per busy vCPU is far above the others'. Each line such a workload brings in evicts a line a
 * neighbour would have reused, and its misses queue at the memory controller ahead of theirs.
 * High-priority workloads are left out: they get cores of their own anyway, and isolating them
 * as noise would take their cache away. Returns why, by workload; empty where the backend does
 * not measure memory traffic.
 */
export function measuredNoisyNeighbours(topology: Topology, observation: Observation): Map<string, string> {
  const perVcpu = new Map<string, number>();
  for (const workload of observation.workloads) {
    const vm = topology.workloads.find((candidate) => candidate.id === workload.id);
    if (vm === undefined || workload.memoryTrafficBytesPerSec === undefined) continue;
    if (workload.cpuUtilization < BUSY_ENOUGH) continue;
    perVcpu.set(workload.id, workload.memoryTrafficBytesPerSec / (workload.cpuUtilization * vm.vcpus));
  }
  const out = new Map<string, string>();
  for (const [id, traffic] of perVcpu) {
    const vm = topology.workloads.find((candidate) => candidate.id === id);
    if (vm?.priority === "high") continue;
    const others = [...perVcpu].filter(([other]) => other !== id).map(([, value]) => value);
    if (others.length === 0) continue;
    const typical = median(others);
    if (traffic < NOISY_MIN_BYTES_PER_VCPU || traffic < NOISY_TRAFFIC_FACTOR * typical) continue;
    const ratio = typical > 0 ? `${(traffic / typical).toFixed(0)}x` : "far above";
    out.set(
      id,
      `${id} moves ${(traffic / 1e9).toFixed(1)} GB/s to and from memory per busy vCPU, ${ratio} the others' median (${(typical / 1e9).toFixed(2)} GB/s): it streams past the shared cache, a noisy neighbour`,
    );
  }
  return out;
}
