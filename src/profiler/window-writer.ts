import { join } from "node:path";
import type { CpuProfile } from "../flamegraph/cpuprofile.js";
import { formatFolded } from "../flamegraph/folded-writer.js";
import { writeFileAtomic } from "../flamegraph/write-file-atomic.js";
import { exportCpuProfile } from "./cpu-profile-export.js";
import type { EventLoopStats } from "./eventloop-monitor.js";
import { exportHeapProfile } from "./heap-profile-export.js";
import type { SamplingHeapProfile } from "./heap-sampler.js";
import type { OverheadMeter } from "./overhead-meter.js";
import { type ProfileType, profileStem, SUFFIXES } from "./profile-files.js";

/** A file the profiler wrote. */
export interface ProfileRecord {
  type: ProfileType;
  format: "pprof" | "folded" | "json";
  path: string;
  /** Wall-clock start and end of the profiled window, ms since the epoch. */
  startTime: number;
  endTime: number;
  /** CPU: timer samples; heap: live bytes sampled; event loop: none. */
  samples?: number;
  bytes?: number;
}

/** Where one window's profiles go, and how the conversion time is charged to the overhead meter. */
export class WindowWriter {
  constructor(
    private readonly outputDir: string,
    private readonly meter: OverheadMeter,
    private readonly pid = process.pid,
  ) {}

  /** Writes a CPU window as pprof and folded (µs); returns the records and the sample count. */
  async cpu(profile: CpuProfile, startMs: number, endMs: number, intervalUs: number) {
    const exported = await this.meter.time(() => {
      const result = exportCpuProfile(profile, startMs, intervalUs);
      return { ...result, text: formatFolded(result.folded) };
    });
    const stem = join(this.outputDir, profileStem("cpu", startMs, this.pid));
    const base = { type: "cpu" as const, startTime: startMs, endTime: endMs, samples: exported.samples };
    await writeFileAtomic(`${stem}${SUFFIXES.pprof}`, exported.pprof);
    await writeFileAtomic(`${stem}${SUFFIXES.cpuFolded}`, exported.text);
    const records: ProfileRecord[] = [
      { ...base, format: "pprof", path: `${stem}${SUFFIXES.pprof}` },
      { ...base, format: "folded", path: `${stem}${SUFFIXES.cpuFolded}` },
    ];
    return { records, samples: exported.samples };
  }

  /** Writes an in-use heap snapshot as pprof and folded (bytes). */
  async heap(profile: SamplingHeapProfile, startMs: number, endMs: number, intervalBytes: number) {
    const exported = await this.meter.time(() => {
      const result = exportHeapProfile(profile, endMs, intervalBytes);
      return { ...result, text: formatFolded(result.folded) };
    });
    const stem = join(this.outputDir, profileStem("heap", startMs, this.pid));
    const base = { type: "heap" as const, startTime: startMs, endTime: endMs, bytes: exported.bytes };
    await writeFileAtomic(`${stem}${SUFFIXES.pprof}`, exported.pprof);
    await writeFileAtomic(`${stem}${SUFFIXES.heapFolded}`, exported.text);
    const records: ProfileRecord[] = [
      { ...base, format: "pprof", path: `${stem}${SUFFIXES.pprof}` },
      { ...base, format: "folded", path: `${stem}${SUFFIXES.heapFolded}` },
    ];
    return records;
  }

  /** Writes a window's event-loop delay and utilization as JSON. */
  async eventLoop(stats: EventLoopStats, startMs: number, endMs: number): Promise<ProfileRecord[]> {
    const path = join(this.outputDir, `${profileStem("eventloop", startMs, this.pid)}${SUFFIXES.eventloop}`);
    const body = {
      type: "eventloop",
      startTime: new Date(startMs).toISOString(),
      endTime: new Date(endMs).toISOString(),
      ...stats,
    };
    await writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`);
    return [{ type: "eventloop", format: "json", path, startTime: startMs, endTime: endMs }];
  }
}
