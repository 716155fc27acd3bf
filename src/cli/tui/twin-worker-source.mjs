// Starts the twin worker from its TypeScript source (tests, tsx): registers tsx in this worker
// thread, then loads twin-worker.ts. A compiled install (dist/) starts twin-worker.js directly.
// A `--import tsx` in the worker's execArgv does not reach a worker's entry module on Node 20.
import { register } from "tsx/esm/api";

register();
await import("./twin-worker.ts");
