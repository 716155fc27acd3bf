import { join } from "node:path";
import { AtomicFile } from "../../src/atomic-file.js";
import type { FleetTruth } from "./fleet-truth.js";
import { vmTruth } from "./fleet-truth.js";
import type { FleetWorkload } from "./fleet-workload.js";
import { observe, TRACE_HEADER, traceLines } from "./observed-trace.js";
import type { VmSpec } from "./shapes.js";

export interface GenerateFilesOptions {
  fleet: FleetWorkload;
  seed: number | string;
  traceDays: number;
  horizonDays: number;
  /** An existing directory for trace.csv and truth.json. */
  outDir: string;
  /** Called after each VM, for summaries and progress reports. */
  onVm?: (spec: VmSpec, done: number, total: number) => void;
  /** Stops the generation (Ctrl-C): nothing is written, the temporaries are removed. */
  signal?: AbortSignal;
}

/** VMs between two looks at the event loop, where a signal handler can run: about 50 ms of work. */
const VMS_PER_YIELD = 50;

/**
 * Writes `trace.csv` (what monitoring saw in the first traceDays: censored utilisation, VM by
 * VM) and `truth.json` (per VM, the right type for the following horizon from the true demand).
 * Both appear only when complete. Memory stays flat: one VM's series at a time.
 */
export async function generateFleetFiles(options: GenerateFilesOptions): Promise<{
  tracePath: string;
  truthPath: string;
  rows: number;
}> {
  const { fleet, traceDays, horizonDays } = options;
  const tracePath = join(options.outDir, "trace.csv");
  const truthPath = join(options.outDir, "truth.json");
  const steps = Math.round((traceDays * 86_400) / fleet.stepSeconds);
  const truth: FleetTruth = {
    seed: options.seed,
    vms: fleet.size,
    traceDays,
    horizonDays,
    stepSeconds: fleet.stepSeconds,
    policy: "balanced",
    truth: [],
  };
  const trace = new AtomicFile(tracePath);
  let truthFile: AtomicFile | undefined;
  try {
    trace.write(`${TRACE_HEADER}\n`);
    for (let i = 0; i < fleet.size; i++) {
      const spec = fleet.spec(i);
      const observed = observe(fleet.series(i, 0, steps), spec.type);
      trace.write(`${traceLines(spec, observed, fleet.start, fleet.stepSeconds, 0).join("\n")}\n`);
      truth.truth.push(vmTruth(fleet, i, traceDays, horizonDays));
      fleet.forget(i);
      options.onVm?.(spec, i + 1, fleet.size);
      if ((i + 1) % VMS_PER_YIELD === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        options.signal?.throwIfAborted();
      }
    }
    options.signal?.throwIfAborted();
    // Both are written and durable before either replaces an earlier pair, so a failure (a full
    // disk) leaves the earlier pair whole rather than a new trace beside an old truth.
    truthFile = new AtomicFile(truthPath);
    truthFile.write(`${JSON.stringify(truth, null, 1)}\n`);
    trace.prepare();
    truthFile.prepare();
    trace.commit();
    truthFile.commit();
  } catch (error) {
    trace.abort();
    truthFile?.abort();
    throw error;
  }
  return { tracePath, truthPath, rows: steps * fleet.size };
}
