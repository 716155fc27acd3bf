import { type BlockDevice, type DiskObservation, sameKnobValue } from "../backend.js";
import { knobKey, type Recommendation, type Tuner, type TunerContext } from "./tuner.js";

export type WorkloadPattern = "random" | "sequential" | "idle";

/**
 * How a device is used, from its diskstats: requests merged by the block layer or large requests
 * mean sequential streams; small unmerged requests mean random access.
 */
export function classifyPattern(disk: DiskObservation): WorkloadPattern {
  const iops = disk.readIops + disk.writeIops;
  if (iops < 1) return "idle";
  if (disk.mergeRatio > 0.3 || disk.averageRequestBytes >= 256 * 1024) return "sequential";
  return "random";
}

export interface IoPlan {
  scheduler: string;
  nrRequests?: number;
  readAheadKb?: number;
  reasons: string[];
}

/**
 * The choice for one device, following current kernel and distribution guidance rather than the
 * single-queue era's table (noop/deadline/cfq): `none` for NVMe and other multi-queue devices
 * (the kernel's own default, block/elevator.c; RHEL: "Red Hat recommends not changing it");
 * `none` for a single-queue SSD when I/O costs CPU the host lacks, else mq-deadline; mq-deadline
 * for disks serving servers, bfq where interactive and bulk streams share a disk; read-ahead off
 * the critical path for random reads, larger for sequential streams (tuned's spectrumscale-ece and
 * throughput-performance profiles).
 */
export function planDevice(
  device: BlockDevice,
  disk: DiskObservation,
  hostCpuBusy: number,
  currentReadAheadKb: number,
  sharedByMany: boolean,
): IoPlan {
  const pattern = classifyPattern(disk);
  const reasons: string[] = [];
  let scheduler: string;
  const multiQueue = device.hardwareQueues > 1;
  if (device.deviceClass === "nvme" || (multiQueue && device.deviceClass !== "hdd")) {
    scheduler = "none";
    reasons.push(
      `${device.name} is ${device.deviceClass === "nvme" ? "NVMe" : "multi-queue"}: 'none' (no scheduler work per request; the kernel's default for multi-queue devices)`,
    );
  } else if (device.deviceClass === "hdd") {
    scheduler = sharedByMany && pattern === "random" ? "bfq" : "mq-deadline";
    reasons.push(
      scheduler === "bfq"
        ? `${device.name} is a rotating disk shared by several workloads: 'bfq' gives each a fair, low-latency share`
        : `${device.name} is a rotating disk: 'mq-deadline' sorts requests by sector and bounds their wait`,
    );
  } else {
    const iops = disk.readIops + disk.writeIops;
    // A single-queue SSD at tens of thousands of IOPS on a busy host: the scheduler's per-request CPU is worth saving.
    scheduler = hostCpuBusy > 0.7 && iops > 500 ? "none" : "mq-deadline";
    reasons.push(
      scheduler === "none"
        ? `${device.name} is a single-queue ${device.deviceClass} doing ${Math.round(iops)} IOPS while the CPUs are ${Math.round(hostCpuBusy * 100)}% busy: 'none' saves the scheduler's CPU per request`
        : `${device.name} is a single-queue ${device.deviceClass}: 'mq-deadline' (the kernel default) bounds read latency`,
    );
  }
  const plan: IoPlan = { scheduler, reasons };
  if (pattern === "random") {
    const inflated =
      disk.averageRequestBytes >= currentReadAheadKb * 1024 * 0.9 &&
      currentReadAheadKb > 16 &&
      disk.readIops > disk.writeIops;
    if (inflated) {
      plan.readAheadKb = 16;
      reasons.push(
        `reads on ${device.name} are random yet average ${Math.round(disk.averageRequestBytes / 1024)} KiB, the read-ahead window: read-around is fetching data nobody asked for; read_ahead_kb ${currentReadAheadKb} -> 16`,
      );
    }
  } else if (pattern === "sequential" && currentReadAheadKb < 1024 && device.deviceClass !== "nvme") {
    plan.readAheadKb = device.deviceClass === "hdd" ? 4096 : 1024;
    reasons.push(
      `${device.name} serves sequential streams: a larger read-ahead turns them into fewer, bigger requests`,
    );
  }
  if (device.deviceClass === "hdd" && pattern === "random" && disk.averageQueueDepth > 8) {
    plan.nrRequests = 256;
    reasons.push(
      `${device.name} has ${disk.averageQueueDepth.toFixed(0)} requests queued on average: a deeper queue lets the elevator shorten seeks`,
    );
  }
  return plan;
}

/** The I/O tuner: per device, scheduler, nr_requests and read_ahead_kb with the reason for each. */
export class IoTuner implements Tuner {
  readonly component = "io";

  recommend(context: TunerContext): Recommendation[] {
    const out: Recommendation[] = [];
    for (const disk of context.observation.disks) {
      const device = context.topology.devices.find((d) => d.name === disk.device);
      if (device === undefined) continue;
      const scheduler = context.knobs.get(knobKey({ knob: "io-scheduler", target: device.name }));
      const readAhead = context.knobs.get(knobKey({ knob: "read-ahead-kb", target: device.name }));
      if (scheduler === undefined) continue;
      const sharedByMany = context.observation.workloads.filter((w) => (w.iops ?? 0) > 1).length > 1;
      const plan = planDevice(
        device,
        disk,
        context.observation.host.cpuUtilization,
        typeof readAhead === "number" ? readAhead : 128,
        sharedByMany,
      );
      const busy = disk.utilization;
      if (plan.scheduler !== scheduler && device.schedulers.includes(plan.scheduler)) {
        out.push({
          component: this.component,
          knob: { knob: "io-scheduler", target: device.name },
          to: plan.scheduler,
          expectedImpact: 0.01 + 0.05 * busy,
          reasons: [plan.reasons[0] ?? ""],
        });
      }
      if (plan.readAheadKb !== undefined && !sameKnobValue(plan.readAheadKb, readAhead ?? -1)) {
        out.push({
          component: this.component,
          knob: { knob: "read-ahead-kb", target: device.name },
          to: plan.readAheadKb,
          expectedImpact: 0.02 + 0.05 * busy,
          reasons: plan.reasons.filter((reason) => reason.includes("read")),
        });
      }
      const nr = context.knobs.get(knobKey({ knob: "nr-requests", target: device.name }));
      if (plan.nrRequests !== undefined && nr !== plan.nrRequests) {
        out.push({
          component: this.component,
          knob: { knob: "nr-requests", target: device.name },
          to: plan.nrRequests,
          expectedImpact: 0.02,
          reasons: plan.reasons.filter((reason) => reason.includes("queue")),
        });
      }
    }
    // A device's scheduler, queue and read-ahead are one operation.
    return out.map((r) => ({ ...r, group: `io:${r.knob.target}` }));
  }
}
