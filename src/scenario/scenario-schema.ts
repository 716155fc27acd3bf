import { z } from "zod";
import { durationMs, formatDuration, positiveDurationMs } from "../config/duration.js";
import { parseCpuList } from "../cpulist.js";
import { MAX_BUFFER_BYTES, MAX_READ_AHEAD_KB } from "../knob-bounds.js";
import { resolveConfig } from "../tuners/rightsize/config.js";
import { POLICY_NAMES } from "../tuners/rightsize/policy.js";

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "expected a name of lower-case letters, digits, '.', '_' and '-'");
const cpuList = z.string().refine((text) => {
  try {
    return parseCpuList(text).length > 0;
  } catch {
    return false;
  }
}, "expected a non-empty CPU list like 0-7,16-23");
/** A tcp_rmem / tcp_wmem triple (min, default, max), held to the bounds every backend checks. */
const triple = z
  .tuple([z.int().positive(), z.int().positive(), z.int().positive().max(MAX_BUFFER_BYTES, "the 1 GiB sanity bound")])
  .refine(
    ([min, def, max]) => min <= def && def <= max,
    "expected min <= default <= max (the kernel's order for tcp_rmem and tcp_wmem)",
  );

const DeviceSchema = z.strictObject({
  name,
  /** A device model from models/devices.yaml. */
  model: z.string(),
  /** Initial I/O scheduler; noop, deadline and cfq are accepted as legacy aliases, with a warning. */
  scheduler: z.string().default("none"),
  nrRequests: z.int().positive().optional(),
  readAheadKb: z.int().nonnegative().max(MAX_READ_AHEAD_KB, "the 64 MiB sanity bound").default(128),
});

const InterfaceSchema = z
  .strictObject({
    name,
    speedMbps: z.number().positive(),
    rxRing: z.int().positive().default(256),
    txRing: z.int().positive().default(256),
    /** The largest ring the NIC offers (`ethtool -g`, "Pre-set maximums"). */
    maxRing: z.int().positive().default(4096),
  })
  .superRefine((nic, ctx) => {
    for (const key of ["rxRing", "txRing"] as const)
      if (nic[key] > nic.maxRing)
        crossFieldIssue(ctx, [key], [["maxRing"]], `expected at most maxRing (${nic.maxRing}), got ${nic[key]}`);
  });

/** Linux defaults (Documentation/networking/ip-sysctl.rst), the untuned starting point. */
const SysctlSchema = z
  .strictObject({
    tcpRmem: triple.default([4096, 131072, 6291456]),
    tcpWmem: triple.default([4096, 16384, 4194304]),
    congestionControl: z.enum(["reno", "cubic", "bbr"]).default("cubic"),
    /** What tcp_available_congestion_control lists: the algorithms a tuner may switch to. */
    availableCongestionControl: z
      .array(z.enum(["reno", "cubic", "bbr"]))
      .min(1)
      .default(["reno", "cubic", "bbr"]),
    windowScaling: z.int().min(0).max(1).default(1),
    sack: z.int().min(0).max(1).default(1),
    timestamps: z.int().min(0).max(2).default(1),
    somaxconn: z.int().positive().default(4096),
    netdevMaxBacklog: z.int().positive().default(1000),
  })
  .superRefine((sysctls, ctx) => {
    if (!sysctls.availableCongestionControl.includes(sysctls.congestionControl))
      crossFieldIssue(
        ctx,
        ["congestionControl"],
        [["availableCongestionControl"]],
        `expected one of availableCongestionControl (${sysctls.availableCongestionControl.join(", ")}), got "${sysctls.congestionControl}"`,
      );
  });

const PathSchema = z.strictObject({
  name,
  /** A path model from models/networks.yaml; the fields below override it. */
  model: z.string(),
  bandwidthMbps: z.number().positive().optional(),
  rttMs: z.number().positive().optional(),
  lossRate: z.number().min(0).max(0.5).optional(),
});

const SeasonSchema = z.strictObject({
  /** Peak-to-mean swing as a fraction of the mean rate. */
  amplitude: z.number().min(0).max(1),
  /** Hour of day (0-24) or day of week (0 = Monday, 0-7) of the peak. */
  peak: z.number().min(0),
});

const BurstSchema = z.strictObject({
  every: positiveDurationMs,
  lasting: positiveDurationMs,
  factor: z.number().positive(),
});

/**
 * Bounds on what the per-request twin simulates. Each request is a few events, and the kernel
 * runs about 2 million events a second (npm run bench:kernel): a VM at a million requests a second
 * already runs slower than real time, and more pending events than the kernel's slot table holds
 * (2^24) cannot run at all. Larger fleets belong in a fleet: section (the fluid model).
 */
const MAX_RATE_PER_SEC = 1_000_000;
const MAX_CLIENTS = 1_000_000;
const MAX_PENDING_REQUESTS = 4_000_000;
const MAX_REQUEST_DURATION_MS = 7 * 86_400_000;
const MAX_REQUEST_EVALUATION_MS = 86_400_000;
const SIMULATES_EACH = "the twin simulates each request (for larger fleets use a fleet: section)";

const OpenArrivalsSchema = z.strictObject({
  /** Mean arrival rate, requests per second (Poisson, modulated by the seasons and bursts). */
  ratePerSec: z.number().positive().max(MAX_RATE_PER_SEC, SIMULATES_EACH),
  daily: SeasonSchema.optional(),
  weekly: SeasonSchema.optional(),
  /** Growth of the rate per day, as a fraction (0.01 = +1%/day). */
  trendPerDay: z.number().default(0),
  burst: BurstSchema.optional(),
});

const ClosedArrivalsSchema = z.strictObject({
  /** Clients each with one request outstanding, waiting `thinkMs` (exponential) between requests. */
  clients: z.int().positive().max(MAX_CLIENTS, SIMULATES_EACH),
  thinkMs: z.number().nonnegative(),
});

const IoSchema = z.strictObject({
  device: name,
  reads: z.number().nonnegative().default(0),
  writes: z.number().nonnegative().default(0),
  sizeKiB: z.number().positive().default(4),
  pattern: z.enum(["random", "sequential"]).default("random"),
  /** How reads reach the device: direct (O_DIRECT, no read-ahead), buffered (page cache read-ahead), mmap (read-around on faults). */
  readahead: z.enum(["direct", "buffered", "mmap"]).default("direct"),
});

const NetworkUseSchema = z.strictObject({
  path: name,
  /** Bytes sent per request (the response, or a chunk of a bulk transfer). */
  bytes: z.number().positive(),
  /** Whether the connection is reused (no slow start per request). */
  warm: z.boolean().default(true),
});

const RequestSchema = z.strictObject({
  /** CPU time per request on a solo core with a warm cache, milliseconds. */
  cpuMs: z.number().positive(),
  cpuCv: z.number().nonnegative().default(0.5),
  /** Last-level cache references per request. */
  memoryAccesses: z.number().nonnegative().default(0),
  /** Misses outstanding at once (memory-level parallelism): stall = misses x latency / this. */
  memoryParallelism: z.number().positive().default(2),
  workingSetMiB: z.number().positive().default(16),
  compulsoryMissRatio: z.number().min(0).max(1).default(0.01),
  io: IoSchema.optional(),
  network: NetworkUseSchema.optional(),
});

const WorkloadSchema = z.strictObject({
  arrivals: z.union([OpenArrivalsSchema, ClosedArrivalsSchema]),
  /** Resident memory of the guest (page cache excluded); default: half the VM's memory. */
  memoryUsedGiB: z.number().positive().optional(),
  request: RequestSchema,
  /** A request waiting longer than this in total counts as an error. */
  timeoutMs: z.number().positive().default(10_000),
});

const MemoryPlacementSchema = z.strictObject({
  mode: z.enum(["default", "local", "interleave", "preferred", "bind"]).default("default"),
  nodes: z.array(z.int().nonnegative()).default([]),
  /** Where the VM's pages are at the start, as shares per node (first touch happened already). */
  pages: z.array(z.number().nonnegative()).optional(),
});

/**
 * A rule across fields: the issue sits at `at` (relative to the object refined) and names the
 * other fields it depends on, so a problem caused by a --set of one of them names that flag.
 */
function crossFieldIssue(
  ctx: z.core.$RefinementCtx,
  at: (string | number)[],
  inputs: (string | number)[][],
  message: string,
): void {
  // Copies: zod prefixes the issue's path in place as the issue bubbles up.
  ctx.addIssue({ code: "custom", path: [...at], message, params: { at: [...at], inputs } });
}

/** The other fields a cross-field issue depends on, as absolute paths (none for other issues). */
export function issueInputs(issue: z.core.$ZodIssue): PropertyKey[][] {
  const params = (issue as { params?: { at?: PropertyKey[]; inputs?: PropertyKey[][] } }).params;
  if (params?.at === undefined || params.inputs === undefined) return [];
  const base = issue.path.slice(0, issue.path.length - params.at.length) as PropertyKey[];
  return params.inputs.map((input) => [...base, ...input]);
}

const VmSchema = z
  .strictObject({
    name,
    instanceType: z.string().optional(),
    /** Price per hour; when omitted, taken from the instance catalog. */
    hourlyUsd: z.number().nonnegative().optional(),
    vcpus: z.int().positive(),
    memoryGiB: z.number().positive(),
    tags: z.array(z.string()).default([]),
    priority: z.enum(["high", "medium", "low", "batch"]).default("medium"),
    /** Host CPUs the VM's vCPU threads may run on (default: all). */
    affinity: cpuList.optional(),
    memory: MemoryPlacementSchema.prefault({}),
    workload: WorkloadSchema,
  })
  .superRefine((vm, ctx) => {
    const used = vm.workload.memoryUsedGiB;
    if (used !== undefined && used > vm.memoryGiB)
      crossFieldIssue(
        ctx,
        ["workload", "memoryUsedGiB"],
        [["memoryGiB"]],
        `expected at most the VM's memoryGiB (${vm.memoryGiB}), got ${used}`,
      );
  });

const TuningSchema = z.strictObject({
  interval: durationMs
    .refine(
      (ms) => ms >= 60_000,
      "expected at least 1m: each round observes, tries its candidates on the twin and validates; a shorter one measures too few requests",
    )
    .prefault("5m"),
  validation: positiveDurationMs.prefault("10m"),
  convergenceTarget: positiveDurationMs.prefault("30m"),
  degradationThreshold: z.number().positive().default(0.1),
  maxConcurrent: z.int().positive().default(5),
  /** On the twin: the smallest gain a what-if must predict for a change (0: apply neutral ones too). */
  minGain: z.number().min(-1).max(1).default(0.01),
  components: z
    .array(z.enum(["numa", "cpu-pinning", "io", "network", "rightsizing", "cost"]))
    .default(["numa", "cpu-pinning", "io", "network", "rightsizing", "cost"]),
  /** The right-sizing engine's sizing policy (src/tuners/rightsize/policy.ts): targets and quantiles. */
  policy: z.enum(POLICY_NAMES).default("balanced"),
});

const SpotSchema = z.strictObject({
  /** Share of the fleet's VMs on spot capacity at the start (picked at random, whatever their workload). */
  share: z.number().min(0).max(1),
  /** Price cut against on-demand (0.7 = 70% cheaper). */
  discount: z.number().min(0).max(0.95).default(0.7),
  /** Reclaims per VM per day (a Poisson rate). */
  interruptionsPerDay: z.number().nonnegative().default(0.005),
  /** Time from a reclaim until a replacement serves again. */
  restart: durationMs.prefault("10m"),
});

/**
 * A fleet of generated VMs run in the fluid mode (sim/fluid/): `vms` of mixed sizes and demand
 * shapes placed on `hosts` hosts of the scenario's host model. The run observes the fleet on its
 * original sizes for `observe`, decides (right-sizing, spot placement), validates for
 * `tuning.validation`, and measures the rest of `duration` against the untuned fleet.
 */
const FleetSchema = z.strictObject({
  vms: z.int().positive().max(200_000),
  hosts: z.int().positive().max(200_000),
  observe: positiveDurationMs.prefault("7d"),
  step: positiveDurationMs.prefault("5m"),
  spot: SpotSchema.optional(),
});

/** The before/after measurement: below seconds a P95 rests on a handful of requests (or none). */
const evaluationWindowMs = durationMs.refine(
  (ms) => ms >= 10_000,
  "expected at least 10s: a shorter window holds too few requests to measure throughput or a P95",
);

export const ScenarioSchema = z
  .strictObject({
    /** Other scenario files merged first (paths relative to this file); this file's keys win. */
    // One file or a list of files, merged in order before this one.
    include: z.union([z.string(), z.array(z.string())]).optional(),
    name,
    description: z.string().default(""),
    seed: z.int().nonnegative().default(1),
    duration: positiveDurationMs.prefault("40m"),
    host: z.strictObject({
      name: name.default("host-1"),
      model: z.string(),
      devices: z.array(DeviceSchema).default([]),
      interfaces: z
        .array(InterfaceSchema)
        .default([{ name: "eth0", speedMbps: 10000, rxRing: 256, txRing: 256, maxRing: 4096 }]),
      sysctls: SysctlSchema.prefault({}),
    }),
    paths: z.array(PathSchema).default([]),
    /** The VMs on the host; a fleet scenario generates its VMs instead (see `fleet`). */
    vms: z.array(VmSchema).default([]),
    fleet: FleetSchema.optional(),
    tuning: TuningSchema.prefault({}),
    evaluation: z
      .strictObject({ warmup: durationMs.prefault("2m"), window: evaluationWindowMs.prefault("10m") })
      .prefault({}),
  })
  .superRefine((scenario, ctx) => {
    if (scenario.fleet === undefined && scenario.vms.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["vms"],
        message: "expected at least one VM (or a fleet: section that generates them)",
      });
    if (scenario.fleet !== undefined && scenario.vms.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["vms"],
        message: "a fleet scenario generates its VMs: remove vms or fleet",
      });
    // Per request, a simulated day of the seed fleet takes minutes (npm run bench:fleet): a week
    // is hours, and a typo like 10000d would run for months.
    if (scenario.fleet === undefined && scenario.duration > MAX_REQUEST_DURATION_MS)
      ctx.addIssue({
        code: "custom",
        path: ["duration"],
        message: `expected at most ${formatDuration(MAX_REQUEST_DURATION_MS)}, got ${formatDuration(scenario.duration)}: ${SIMULATES_EACH}`,
      });
    // Every client and every arrival waiting for a SYN retry is a pending event: the kernel holds
    // 2^24. Clients, and about 3 s of each open VM's peak arrivals (two retries, 1 s apart), with
    // room for the events of the requests in progress.
    const pending = scenario.vms.reduce((sum, vm) => {
      const arrivals = vm.workload.arrivals;
      if ("clients" in arrivals) return sum + arrivals.clients;
      const seasons = (1 + (arrivals.daily?.amplitude ?? 0)) * (1 + (arrivals.weekly?.amplitude ?? 0));
      const growth = Math.max(1, 1 + arrivals.trendPerDay * (scenario.duration / 86_400_000));
      return sum + 3 * arrivals.ratePerSec * seasons * growth * (arrivals.burst?.factor ?? 1);
    }, 0);
    if (scenario.fleet === undefined && pending > MAX_PENDING_REQUESTS)
      ctx.addIssue({
        code: "custom",
        path: ["vms"],
        message: `the VMs' clients and 3 s of their peak arrivals add up to ${Math.round(pending).toLocaleString("en-US")} requests, more than the ${MAX_PENDING_REQUESTS.toLocaleString("en-US")} the twin holds at once: ${SIMULATES_EACH}`,
      });
    const evaluation = scenario.evaluation.warmup + scenario.evaluation.window;
    if (scenario.fleet === undefined && evaluation > MAX_REQUEST_EVALUATION_MS)
      crossFieldIssue(
        ctx,
        ["evaluation", "window"],
        [["evaluation", "warmup"]],
        `expected warmup + window at most ${formatDuration(MAX_REQUEST_EVALUATION_MS)}, got ${formatDuration(evaluation)}: both configurations are simulated over it, ${SIMULATES_EACH}`,
      );
    const fleet = scenario.fleet;
    if (fleet !== undefined && scenario.tuning.components.includes("rightsizing")) {
      // Samples come every step from time 0 to observe - step: the engine needs their span and count.
      const { observationPeriodSeconds, minSamples } = resolveConfig();
      const needed = Math.max(observationPeriodSeconds * 1000 + fleet.step, minSamples * fleet.step);
      if (fleet.observe < needed)
        crossFieldIssue(
          ctx,
          ["fleet", "observe"],
          [
            ["fleet", "step"],
            ["tuning", "components"],
          ],
          `expected at least ${formatDuration(needed)} with a step of ${formatDuration(fleet.step)}: the right-sizing engine decides nothing before ${observationPeriodSeconds / 3600} h and ${minSamples} samples of a VM, got ${formatDuration(fleet.observe)}`,
        );
    }
    if (fleet !== undefined && fleet.observe + scenario.tuning.validation + fleet.step >= scenario.duration)
      crossFieldIssue(
        ctx,
        ["fleet", "observe"],
        [["tuning", "validation"], ["fleet", "step"], ["duration"]],
        "observe + tuning.validation must leave time to evaluate within duration",
      );
  });

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.output<typeof ScenarioSchema>;
export type VmConfig = Scenario["vms"][number];
export type WorkloadConfig = VmConfig["workload"];
export type RequestConfig = WorkloadConfig["request"];
export type DeviceConfig = Scenario["host"]["devices"][number];
export type SysctlConfig = Scenario["host"]["sysctls"];
export type OpenArrivals = z.output<typeof OpenArrivalsSchema>;
export type ClosedArrivals = z.output<typeof ClosedArrivalsSchema>;
export type FleetConfig = z.output<typeof FleetSchema>;
