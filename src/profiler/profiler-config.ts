import type { ProfileType } from "./profile-files.js";

export interface ProfilerConfig {
  /** CPU samples per second at full fidelity (default 100). */
  samplingHz?: number;
  /** What to profile (default ["cpu"]): "heap" is in-use heap sampling, "eventloop" delay and utilization. */
  types?: ProfileType[];
  outputDir: string;
  /** Profiles older than this are deleted (default 7). */
  retentionDays?: number;
  /** Highest estimated overhead, a fraction of wall time, before degrading (default 0.01). */
  overheadTarget?: number;
  /** Length of one profile (default 60 s, dd-trace's and Pyroscope's flush period). */
  windowSeconds?: number;
  /** Heap sampling interval in bytes (default 512 KiB). */
  heapIntervalBytes?: number;
  /** Estimated cost of one sample in µs beyond what is measured (default: see OverheadMeter). */
  perSampleMicros?: number;
  /** Called with errors from a background window (a full disk, say); profiling goes on. */
  onError?: (error: unknown) => void;
}

export type ResolvedConfig = Required<Omit<ProfilerConfig, "onError" | "perSampleMicros">> &
  Pick<ProfilerConfig, "onError" | "perSampleMicros">;

/** The configuration with defaults filled in, checked. */
export function resolveConfig(config: ProfilerConfig): ResolvedConfig {
  const resolved: ResolvedConfig = {
    samplingHz: 100,
    types: ["cpu"],
    retentionDays: 7,
    overheadTarget: 0.01,
    windowSeconds: 60,
    heapIntervalBytes: 512 * 1024,
    ...config,
  };
  if (!(resolved.samplingHz > 0 && resolved.samplingHz <= 10_000))
    throw new RangeError("samplingHz must be in (0, 10000]");
  if (!(resolved.windowSeconds > 0)) throw new RangeError("windowSeconds must be positive");
  if (!(resolved.retentionDays > 0)) throw new RangeError("retentionDays must be positive");
  if (!(resolved.overheadTarget > 0)) throw new RangeError("overheadTarget must be positive");
  const known: ProfileType[] = ["cpu", "heap", "eventloop"];
  const unknown = resolved.types.filter((type) => !known.includes(type));
  if (unknown.length > 0)
    throw new RangeError(`unknown profile types: ${unknown.join(", ")} (known: ${known.join(", ")})`);
  return resolved;
}
