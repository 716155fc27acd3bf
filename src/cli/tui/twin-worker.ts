// The worker thread of `twintune tui`: runs the tuning on the twin, paced by the UI thread.
import { parentPort, workerData } from "node:worker_threads";
import { loadScenario } from "../../scenario/load-scenario.js";
import { runPacedTuning } from "./paced-tuning.js";
import type { TwinWorkerData } from "./twin-protocol.js";

const data = workerData as TwinWorkerData;
if (parentPort === null) throw new Error("twin-worker runs as a worker thread");
await runPacedTuning(loadScenario(data.file), data.seed, parentPort, data.forkThreads);
