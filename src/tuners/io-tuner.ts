import { type BlockDevice, type DiskObservation, type KnobValue, sameKnobValue } from "../backend.js";
import { knobKey, type Recommendation, type Tuner, type TunerContext } from "./tuner.js";

/**
 * What a device's reads look like: `window-sized` is the ambiguous case (see classifyReads),
 * `unclear` a mix between random and sequential, `idle` too few reads to say.
 */
export type WorkloadPattern = "random" | "sequential" | "window-sized" | "unclear" | "idle";

/** Reads per second below which a metrics window says nothing about a device's pattern. */
const MIN_READ_IOPS = 10;

/**
 * How a device's reads go, from diskstats (read-ahead acts on reads only): sequential when they
 * average 128 KiB or more, or half of all requests merge; random at 16 KiB or less with under
 * 10% merged; `unclear` between. Reads that average the read-ahead window itself (0.9-1.1x) with
 * few merges are `window-sized`: a stream read ahead one window at a time looks exactly like
 * random faults that read-around inflates to the window, and diskstats cannot tell them apart.
 */
export function classifyReads(disk: DiskObservation | undefined, readAheadKb: number): WorkloadPattern {
  if (disk === undefined || disk.readIops < MIN_READ_IOPS) return "idle";
  const averageRead = disk.readBytesPerSec / disk.readIops;
  const window = readAheadKb * 1024;
  if (window > 0 && averageRead >= 0.9 * window && averageRead <= 1.1 * window && disk.mergeRatio < 0.3)
    return "window-sized";
  if (averageRead >= 128 * 1024 || disk.mergeRatio >= 0.5) return "sequential";
  if (averageRead <= 16 * 1024 && disk.mergeRatio < 0.1) return "random";
  return "unclear";
}

export interface IoPlan {
  /** Undefined when the device's class gives no basis for a choice (an unknown device). */
  scheduler?: string;
  nrRequests?: number;
  readAheadKb?: number;
  /** The access pattern the read-ahead choice followed (observed, or as told). */
  pattern: WorkloadPattern;
  /** Why each setting, by knob. */
  why: { scheduler?: string; readAhead?: string; nrRequests?: string };
  /** All of them, in that order. */
  reasons: string[];
}

/** What an operator can tell the I/O tuner that the metrics cannot, and how its proposals are judged. */
export interface IoTunerOptions {
  /** Several workloads share the disks and fairness between them matters more than throughput: bfq. */
  fairness?: boolean;
  /** The access pattern, when known better than one metrics window shows it. */
  pattern?: "random" | "sequential";
  /**
   * Each proposal is judged before it stays (the twin's what-if runs, an A/B validation), so an
   * ambiguous pattern may be tried: window-sized reads get a 16 KiB read-ahead, which the judge
   * keeps only if the reads were random. Without a judge (a live plan) they get nothing.
   */
  judged?: boolean;
}

/** What the host showed besides the device itself. */
export interface DeviceSituation {
  /** Host CPU busy share, 0-1. */
  hostCpuBusy: number;
  /** The device's read-ahead now, KiB. */
  currentReadAheadKb: number;
  /** More than one workload does I/O. */
  sharedByMany: boolean;
}

/** tuned's throughput-performance profile raises read-ahead to at least 4096 KiB (`readahead=>4096`). */
const SEQUENTIAL_READ_AHEAD_KB = 4096;
/** The kernel's default read-ahead, VM_READAHEAD_PAGES = 128 KiB (include/linux/mm.h). */
const DEFAULT_READ_AHEAD_KB = 128;
/** What read-around shrinks to when it inflates random reads: four pages. */
const RANDOM_READ_AHEAD_KB = 16;

/**
 * The scheduler for a device, following current kernel and distribution guidance rather than the
 * single-queue era's table (noop/deadline/cfq, gone since 5.0): `none` for NVMe and other
 * multi-queue devices (the kernel's own default, block/elevator.c; RHEL: "Red Hat recommends not
 * changing it") and for loop devices (the disk underneath schedules; ≈33% more IOPS than
 * mq-deadline or bfq in models/measurements/loop-schedulers.md); `bfq` where fairness between
 * workloads is asked for, or where several share a rotating disk at random; else `mq-deadline`,
 * except `none` for a single-queue SSD or virtual disk whose I/O costs CPU the host lacks.
 */
function chooseScheduler(
  device: BlockDevice,
  iops: number,
  situation: DeviceSituation,
  pattern: WorkloadPattern,
  options: IoTunerOptions,
): { scheduler: string; why: string } | undefined {
  const multiQueue = device.hardwareQueues > 1;
  if (device.deviceClass === "unknown") return undefined;
  if (device.deviceClass === "nvme" || (multiQueue && device.deviceClass !== "hdd"))
    return {
      scheduler: "none",
      why: `${device.name} is ${device.deviceClass === "nvme" ? "NVMe" : `a multi-queue ${device.deviceClass} device (${device.hardwareQueues} queues)`}: 'none' (no scheduler work per request; the kernel's default for multi-queue devices)`,
    };
  if (device.deviceClass === "loop")
    return { scheduler: "none", why: `${device.name} is a loop device: the disk underneath schedules its I/O` };
  const kind =
    device.deviceClass === "hdd"
      ? "rotating disk"
      : device.deviceClass === "virtual"
        ? "single-queue virtual disk"
        : `single-queue ${device.deviceClass}`;
  if (options.fairness)
    return {
      scheduler: "bfq",
      why: `${device.name} is a ${kind} and fairness between the workloads sharing it was asked for: 'bfq'`,
    };
  if (device.deviceClass === "hdd")
    return situation.sharedByMany && pattern === "random"
      ? {
          scheduler: "bfq",
          why: `${device.name} is a rotating disk shared by several workloads: 'bfq' gives each a fair, low-latency share`,
        }
      : {
          scheduler: "mq-deadline",
          why: `${device.name} is a rotating disk: 'mq-deadline' sorts requests by sector and bounds their wait`,
        };
  // A single-queue SSD at hundreds of IOPS on a busy host: the scheduler's per-request CPU is worth saving.
  if (situation.hostCpuBusy > 0.7 && iops > 500)
    return {
      scheduler: "none",
      why: `${device.name} is a ${kind} doing ${Math.round(iops)} IOPS while the CPUs are ${Math.round(situation.hostCpuBusy * 100)}% busy: 'none' saves the scheduler's CPU per request`,
    };
  return {
    scheduler: "mq-deadline",
    why: `${device.name} is a ${kind}: 'mq-deadline' (the kernel default) bounds read latency`,
  };
}

/**
 * The choice for one device: its scheduler, and read-ahead and nr_requests where its reads call
 * for them. Read-ahead: 4 MiB for sequential streams (tuned's throughput-performance), back to
 * the kernel's 128 KiB for random reads, and 16 KiB for reads the size of the window when a judge
 * will try it (IoTunerOptions.judged); a deeper queue for a busy rotating disk at random. `disk`
 * is undefined when the metrics window has nothing on the device.
 */
export function planDevice(
  device: BlockDevice,
  disk: DiskObservation | undefined,
  situation: DeviceSituation,
  options: IoTunerOptions = {},
): IoPlan {
  const current = situation.currentReadAheadKb;
  const pattern: WorkloadPattern = options.pattern ?? classifyReads(disk, current);
  const told = options.pattern !== undefined ? " (as told)" : "";
  const iops = disk === undefined ? 0 : disk.readIops + disk.writeIops;
  const choice = chooseScheduler(device, iops, situation, pattern, options);
  const plan: IoPlan = { pattern, why: {}, reasons: [] };
  if (choice !== undefined) {
    plan.scheduler = choice.scheduler;
    plan.why.scheduler = choice.why;
  }
  if (pattern === "window-sized" && options.judged && current > RANDOM_READ_AHEAD_KB && disk !== undefined) {
    plan.readAheadKb = RANDOM_READ_AHEAD_KB;
    plan.why.readAhead = `reads on ${device.name} average ${Math.round(disk.readBytesPerSec / disk.readIops / 1024)} KiB, the read-ahead window, with few merges: if they are random, read-around fetches data nobody asked for; read_ahead_kb ${current} -> ${RANDOM_READ_AHEAD_KB} is tried and kept only if it helps`;
  } else if (pattern === "random" && current > DEFAULT_READ_AHEAD_KB) {
    plan.readAheadKb = DEFAULT_READ_AHEAD_KB;
    plan.why.readAhead = `random reads${told} on ${device.name}: read-ahead beyond the kernel default 128 KiB reads pages nobody asked for`;
  } else if (pattern === "sequential" && current < SEQUENTIAL_READ_AHEAD_KB) {
    plan.readAheadKb = SEQUENTIAL_READ_AHEAD_KB;
    plan.why.readAhead = `${device.name} serves sequential streams${told}: a 4 MiB read-ahead (tuned's throughput-performance) turns them into fewer, bigger requests`;
  }
  if (device.deviceClass === "hdd" && pattern === "random" && disk !== undefined && disk.averageQueueDepth > 8) {
    plan.nrRequests = 256;
    plan.why.nrRequests = `${device.name} has ${disk.averageQueueDepth.toFixed(0)} requests queued on average: a deeper queue lets the elevator shorten seeks`;
  }
  const { scheduler, readAhead, nrRequests } = plan.why;
  plan.reasons = [scheduler, readAhead, nrRequests].filter((why): why is string => why !== undefined);
  return plan;
}

const PATTERN_NOTES: Record<WorkloadPattern, string> = {
  random: "random reads",
  sequential: "sequential reads",
  "window-sized":
    "reads the size of the read-ahead window: random reads inflated by read-around, or a stream? (--workload says which)",
  unclear: "reads between random and sequential: read-ahead left alone",
  idle: "too few reads in the window to judge: read-ahead left alone",
};

/** One line on what the tuner made of a device, for a plan's notes. */
export function describeDevice(device: BlockDevice, plan: IoPlan): string {
  const scheduler = plan.scheduler === undefined ? "no scheduler rule for its class" : `scheduler ${plan.scheduler}`;
  return `${device.name} (${device.deviceClass}, ${device.hardwareQueues} hw queue(s)): ${scheduler}; ${PATTERN_NOTES[plan.pattern]}`;
}

/** The I/O tuner: per device, scheduler, nr_requests and read_ahead_kb with the reason for each. */
export class IoTuner implements Tuner {
  readonly component = "io";

  constructor(private readonly options: IoTunerOptions = {}) {}

  /** The plan for every device of the topology, with the device, its observation and its knobs now. */
  plans(context: TunerContext): {
    device: BlockDevice;
    disk: DiskObservation | undefined;
    plan: IoPlan;
    scheduler: KnobValue | undefined;
    readAhead: KnobValue | undefined;
  }[] {
    const sharedByMany = context.observation.workloads.filter((w) => (w.iops ?? 0) > 1).length > 1;
    return context.topology.devices.map((device) => {
      const disk = context.observation.disks.find((d) => d.device === device.name);
      const scheduler = context.knobs.get(knobKey({ knob: "io-scheduler", target: device.name }));
      const readAhead = context.knobs.get(knobKey({ knob: "read-ahead-kb", target: device.name }));
      const situation = {
        hostCpuBusy: context.observation.host.cpuUtilization,
        currentReadAheadKb: typeof readAhead === "number" ? readAhead : DEFAULT_READ_AHEAD_KB,
        sharedByMany,
      };
      return { device, disk, plan: planDevice(device, disk, situation, this.options), scheduler, readAhead };
    });
  }

  recommend(context: TunerContext): Recommendation[] {
    const out: Recommendation[] = [];
    for (const { device, disk, plan, scheduler, readAhead } of this.plans(context)) {
      const busy = disk?.utilization ?? 0;
      if (
        plan.scheduler !== undefined &&
        scheduler !== undefined &&
        plan.scheduler !== scheduler &&
        device.schedulers.includes(plan.scheduler)
      ) {
        out.push({
          component: this.component,
          knob: { knob: "io-scheduler", target: device.name },
          to: plan.scheduler,
          expectedImpact: 0.01 + 0.05 * busy,
          reasons: [plan.why.scheduler ?? ""],
        });
      }
      if (plan.readAheadKb !== undefined && readAhead !== undefined && !sameKnobValue(plan.readAheadKb, readAhead)) {
        out.push({
          component: this.component,
          knob: { knob: "read-ahead-kb", target: device.name },
          to: plan.readAheadKb,
          expectedImpact: 0.02 + 0.05 * busy,
          reasons: [plan.why.readAhead ?? ""],
        });
      }
      const nr = context.knobs.get(knobKey({ knob: "nr-requests", target: device.name }));
      // Only ever deeper: a queue someone made deeper than this is left as it is.
      if (plan.nrRequests !== undefined && typeof nr === "number" && nr < plan.nrRequests) {
        out.push({
          component: this.component,
          knob: { knob: "nr-requests", target: device.name },
          to: plan.nrRequests,
          expectedImpact: 0.02,
          reasons: [plan.why.nrRequests ?? ""],
        });
      }
    }
    // A device's scheduler, queue and read-ahead are one operation.
    return out.map((r) => ({ ...r, group: `io:${r.knob.target}` }));
  }
}
