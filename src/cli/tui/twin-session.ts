import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { FeedInfo, MetricsSnapshot, TuiCommand } from "../../../tui/feed.js";
import { UpdateLog } from "../../../tui/update-log.js";
import { Pacer, type PacerTimers, REAL_TIMERS, speedLabel } from "./pacer.js";
import type { FromWorker, ToWorker, TwinRunSummary, TwinWorkerData } from "./twin-protocol.js";

/** What the session needs of a worker thread (a real Worker, or an in-process stand-in in tests). */
export interface WorkerHandle {
  postMessage(message: ToWorker): void;
  on(event: "message", listener: (message: FromWorker) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "exit", listener: (code: number) => void): unknown;
  terminate(): Promise<unknown>;
}

/**
 * Starts the twin worker: the compiled twin-worker.js next to this file when running from dist/,
 * else a small bootstrap that registers tsx in the worker and loads the TypeScript source.
 */
export function spawnTwinWorker(data: TwinWorkerData): WorkerHandle {
  const js = new URL("./twin-worker.js", import.meta.url);
  const entry = existsSync(fileURLToPath(js)) ? js : new URL("./twin-worker-source.mjs", import.meta.url);
  return new Worker(entry, { workerData: data });
}

export interface TwinSessionOptions {
  info: FeedInfo;
  worker: WorkerHandle;
  /** Simulated minutes per second (Infinity: unpaced). */
  speed: number;
  timers?: PacerTimers;
}

function snapshot(metrics: Record<string, number>): MetricsSnapshot {
  return {
    throughputRps: metrics.throughputRps,
    p95LatencyMs: metrics.p95LatencyMs,
    cpuUtilization: metrics.cpuUtil,
    memoryUtilization: metrics.memUtil,
    monthlyCostUsd: metrics.monthlyCostUsd,
  } as MetricsSnapshot;
}

/**
 * The UI thread's side of a watched twin run: turns the worker's messages into the feed the UI
 * reads, answers its waits through the pacer, and carries the operator's commands to it.
 */
export class TwinSession {
  readonly feed: UpdateLog;
  private readonly pacer: Pacer;
  private readonly worker: WorkerHandle;
  private closed = false;
  private failure: string | undefined;
  private summaryValue: TwinRunSummary | undefined;
  private endResolve!: () => void;
  /** Resolves when the run finished or failed. */
  readonly ended: Promise<void> = new Promise((resolve) => {
    this.endResolve = resolve;
  });

  constructor(options: TwinSessionOptions) {
    this.feed = new UpdateLog(options.info);
    this.worker = options.worker;
    this.pacer = new Pacer(options.speed, options.timers ?? REAL_TIMERS);
    const pace = () =>
      this.feed.push({ type: "pace", paused: this.pacer.isPaused, speed: speedLabel(this.pacer.speed) });
    this.pacer.onChange(pace);
    pace();
    this.worker.on("message", (message) => this.receive(message));
    this.worker.on("error", (error) => this.fail(error.message));
    this.worker.on("exit", (code) => {
      if (!this.closed && this.summaryValue === undefined && this.failure === undefined)
        this.fail(`the simulation stopped unexpectedly (exit code ${code})`);
    });
  }

  /** The run's end, once it finished. */
  get summary(): TwinRunSummary | undefined {
    return this.summaryValue;
  }

  /** Why the run failed, if it did. */
  get error(): string | undefined {
    return this.failure;
  }

  command(command: TuiCommand): void {
    switch (command) {
      case "toggle-pause":
        this.pacer.togglePause();
        return;
      case "faster":
        this.pacer.faster();
        return;
      case "slower":
        this.pacer.slower();
        return;
      case "revert-last":
        if (this.summaryValue !== undefined || this.failure !== undefined) {
          this.feed.push({ type: "notice", text: "the run is over: nothing to revert" });
          return;
        }
        this.worker.postMessage({ type: "revert" });
        this.feed.push({
          type: "notice",
          text: `revert requested: done at the twin's next simulated step${this.pacer.isPaused ? " (even while paused)" : ""}`,
        });
        return;
      case "quit":
      case "interrupt":
        void this.close();
        return;
    }
  }

  /** Stops the worker (if still running). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.endResolve();
    await this.worker.terminate();
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case "started":
        this.feed.push({ type: "started", startTime: message.startTime });
        return;
      case "update":
        this.feed.push(message.update);
        return;
      case "wait":
        void this.pacer.wait(message.at).then(() => {
          if (!this.closed) this.worker.postMessage({ type: "go", id: message.id });
        });
        return;
      case "notice":
        this.feed.push({ type: "notice", text: message.text });
        return;
      case "finished": {
        const summary = message.summary;
        this.summaryValue = summary;
        this.feed.push({
          type: "finished",
          converged: summary.converged,
          atMinutes: summary.atMinutes,
          before: snapshot(summary.baseline),
          after: snapshot(summary.tuned),
          note: `${summary.kept} kept, ${summary.rollbacks} reverted; before/after: the initial and the tuned configuration on the same ${summary.evaluationMin}-minute window, same seed`,
        });
        this.endResolve();
        return;
      }
      case "failed":
        this.fail(message.message);
        return;
    }
  }

  private fail(message: string): void {
    if (this.failure !== undefined) return;
    this.failure = message;
    this.feed.push({ type: "error", message });
    this.endResolve();
  }
}
