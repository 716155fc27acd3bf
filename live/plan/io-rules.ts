import type { BlockDevice, Change, DiskObservation, KnobRef } from "../../src/backend.js";
import { changeId, type PlanInput, type RecommendationSource } from "./recommendation-source.js";

export type IoWorkload = "auto" | "random" | "sequential";

export interface IoRulesConfig {
  /** Access pattern for read-ahead; "auto" infers it per disk from the observed interval. */
  workload: IoWorkload;
  /** Several workloads share the disks and per-process fairness matters more than throughput: bfq. */
  fairness: boolean;
}

const NAME = "built-in io rules";

/**
 * The scheduler for a device class (blk-mq names; the seed's
 * noop/cfq/deadline are gone since 5.0): none for NVMe and multi-queue devices (the kernel's own
 * default for them, block/elevator.c; RHEL 10 "recommends not changing it"); mq-deadline for SATA
 * SSDs, HDDs and single-queue virtual disks (RHEL 8/9 "Setting the disk scheduler"); bfq where
 * fairness matters (RHEL: desktop/interactive, not large copies); none for loop devices (their
 * kernel default, and ≈33% more IOPS than mq-deadline or bfq in the fio run of
 * models/measurements/loop-schedulers.md).
 */
export function schedulerFor(device: BlockDevice, fairness: boolean): { scheduler: string; why: string } | undefined {
  const multiQueue = device.hardwareQueues > 1;
  switch (device.deviceClass) {
    case "nvme":
      return { scheduler: "none", why: "NVMe has its own deep queues; a software scheduler only adds latency" };
    case "loop":
      return { scheduler: "none", why: "a loop device's I/O is scheduled by the disk underneath" };
    case "virtual":
      if (multiQueue)
        return {
          scheduler: "none",
          why: `multi-queue virtual disk (${device.hardwareQueues} queues): the host schedules`,
        };
      break;
    case "unknown":
      return undefined;
  }
  if (fairness)
    return { scheduler: "bfq", why: "fairness between workloads sharing the disk was asked for (--fair-io)" };
  const kind =
    device.deviceClass === "virtual"
      ? "single-queue virtual disk"
      : device.deviceClass === "hdd"
        ? "rotating disk"
        : "SATA/SAS SSD";
  return { scheduler: "mq-deadline", why: `${kind}: mq-deadline bounds read latency without costing throughput` };
}

/**
 * The access pattern a disk showed over the interval. Thresholds are this rule's own choice, not
 * measured: requests of 128 KiB or more, or half of them merged, read as sequential streams;
 * 16 KiB or less with under 10% merged as random. Fewer than 10 requests/s says nothing.
 */
export function inferWorkload(disk: DiskObservation | undefined): "random" | "sequential" | undefined {
  if (disk === undefined || disk.readIops + disk.writeIops < 10) return undefined;
  if (disk.averageRequestBytes >= 128 * 1024 || disk.mergeRatio >= 0.5) return "sequential";
  if (disk.averageRequestBytes <= 16 * 1024 && disk.mergeRatio < 0.1) return "random";
  return undefined;
}

/** tuned throughput-performance raises read-ahead to at least 4096 KiB (`readahead=>4096`). */
const SEQUENTIAL_READ_AHEAD_KB = 4096;
/** The kernel's default read-ahead, VM_READAHEAD_PAGES = 128 KiB (include/linux/mm.h): enough for filesystems. */
const RANDOM_READ_AHEAD_KB = 128;

export function ioRules(config: IoRulesConfig): RecommendationSource {
  return {
    name: NAME,
    recommend(input: PlanInput): Change[] {
      const out: Change[] = [];
      const propose = (ref: KnobRef, to: string | number, reason: string) => {
        const current = input.value(ref);
        if (current === undefined || current === to) return;
        out.push({ id: changeId(NAME, ref), knob: ref, to, component: NAME, reason });
      };
      for (const device of input.topology.devices) {
        const choice = schedulerFor(device, config.fairness);
        if (choice && device.schedulers.includes(choice.scheduler)) {
          propose({ knob: "io-scheduler", target: device.name }, choice.scheduler, choice.why);
        }
        const observed = input.observation?.disks.find((disk) => disk.device === device.name);
        const workload = config.workload === "auto" ? inferWorkload(observed) : config.workload;
        const ref: KnobRef = { knob: "read-ahead-kb", target: device.name };
        const current = input.value(ref);
        if (typeof current !== "number" || workload === undefined) continue;
        const seen = config.workload === "auto" ? " (observed)" : "";
        if (workload === "sequential" && current < SEQUENTIAL_READ_AHEAD_KB) {
          propose(
            ref,
            SEQUENTIAL_READ_AHEAD_KB,
            `sequential I/O${seen}: read ahead 4 MiB as tuned's throughput-performance does`,
          );
        } else if (workload === "random" && current > RANDOM_READ_AHEAD_KB) {
          propose(
            ref,
            RANDOM_READ_AHEAD_KB,
            `random I/O${seen}: read-ahead beyond the kernel default 128 KiB reads pages nobody asked for`,
          );
        }
      }
      return out;
    },
    explain(input: PlanInput): string[] {
      return input.topology.devices.map((device) => {
        const choice = schedulerFor(device, config.fairness);
        const observed = input.observation?.disks.find((disk) => disk.device === device.name);
        const workload = config.workload === "auto" ? inferWorkload(observed) : config.workload;
        const scheduler = choice ? `scheduler ${choice.scheduler}` : "no scheduler rule";
        const pattern =
          workload ?? (config.workload === "auto" ? "no clear access pattern in the window (--workload sets it)" : "-");
        return `${device.name} (${device.deviceClass}, ${device.hardwareQueues} hw queue(s)): ${scheduler}; read-ahead for ${pattern}`;
      });
    },
  };
}
