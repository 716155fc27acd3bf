import { allenCunneenMeanWait } from "../../src/math/queueing-theory.js";
import type { RequestConfig } from "../../src/scenario/scenario-schema.js";
import { type CpuConditions, cpuPhase } from "../physics/cpu-phase.js";

/** A VM's request path in expectation: what the fluid mode computes per time step. */
export interface FluidVmState {
  request: RequestConfig;
  vcpus: number;
  /** Expected conditions of a CPU phase (speed from expected SMT and time sharing, cache share, NUMA latency). */
  conditions: CpuConditions;
  /** Mean time a request spends in I/O and network after its CPU phase, ms (device and path models). */
  afterCpuMs: number;
}

export interface FluidVmResult {
  /** Mean CPU-phase time, ms. */
  serviceMs: number;
  utilization: number;
  /** Mean response time, ms; Infinity when the offered load exceeds the vCPUs. */
  meanLatencyMs: number;
  throughputRps: number;
}

/**
 * One VM at an arrival rate, in expectation: the vCPUs are a G/G/c queue (Poisson arrivals,
 * the CPU phase of `cpuPhase` with its mean and variability) solved by Allen–Cunneen, plus the
 * mean I/O and network time. The same cpuPhase formula drives the per-request mode; `twintune
 * validate` compares the two.
 */
export function fluidVm(state: FluidVmState, arrivalsPerSec: number): FluidVmResult {
  const { request, vcpus, conditions } = state;
  const service = cpuPhase(request, request.cpuMs, conditions);
  const serviceMs = service.wallMs;
  // Only the instruction part of the service time varies (lognormal with cpuCv).
  const serviceCv = ((request.cpuMs / conditions.speed) * request.cpuCv) / serviceMs;
  const lambdaPerMs = arrivalsPerSec / 1000;
  const utilization = (lambdaPerMs * serviceMs) / vcpus;
  if (utilization >= 1) {
    return {
      serviceMs,
      utilization,
      meanLatencyMs: Number.POSITIVE_INFINITY,
      throughputRps: (vcpus / serviceMs) * 1000,
    };
  }
  const waitMs = lambdaPerMs > 0 ? allenCunneenMeanWait(lambdaPerMs, serviceMs, vcpus, 1, serviceCv) : 0;
  return {
    serviceMs,
    utilization,
    meanLatencyMs: waitMs + serviceMs + state.afterCpuMs,
    throughputRps: arrivalsPerSec,
  };
}
