import { console as inspectorConsole } from "node:inspector";
import type { CpuProfile } from "../flamegraph/cpuprofile.js";
import type { InspectorSession } from "./inspector-session.js";

/** Who holds the running V8 profile: the protocol's Profiler.start or a console.profile(title). */
type Holder = { kind: "protocol" } | { kind: "console"; title: string };

/**
 * V8 CPU sampling through the inspector, rotated without a cold start. A cold Profiler.start
 * makes V8 log every compiled function first, blocking the event loop about 1.5 ms per 1,000
 * functions (googleapis/cloud-profiler-nodejs#683; measured 120–170 ms at 100,000, and
 * `npm run -s bench:profiler` times it with 20,000 extra functions). As @datadog/pprof
 * does, the next profile starts before the current one stops, so V8's code logging never goes
 * cold: the inspector allows one protocol profile (Profiler.start/stop) and titled console
 * profiles (console.profile/profileEnd) at once, and rotation alternates the two (measured
 * 0.1–0.3 ms per step with 100,000 functions). The console calls go to the inspector's own
 * console (node:inspector's `console`), which test runners and loggers do not replace. The sampling interval can change only while
 * nothing runs, so a new rate means a cold restart.
 */
export class CpuSampler {
  private holder: Holder | undefined;
  private sequence = 0;
  private readonly pending = new Map<string, (profile: CpuProfile) => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly session: InspectorSession) {}

  get running(): boolean {
    return this.holder !== undefined;
  }

  /** Starts sampling every `intervalUs` microseconds (cold: V8 logs the compiled code first). */
  async start(intervalUs: number): Promise<void> {
    if (this.holder !== undefined) throw new Error("the CPU sampler is already running");
    this.unsubscribe ??= this.session.on<{ title?: string; profile: CpuProfile }>(
      "Profiler.consoleProfileFinished",
      ({ title, profile }) => {
        const resolve = title === undefined ? undefined : this.pending.get(title);
        if (resolve === undefined) return;
        this.pending.delete(title as string);
        resolve(profile);
      },
    );
    await this.session.post("Profiler.enable");
    await this.session.post("Profiler.setSamplingInterval", { interval: Math.max(1, Math.round(intervalUs)) });
    await this.session.post("Profiler.start");
    this.holder = { kind: "protocol" };
  }

  /** Ends the current profile and returns it, the next one already running. */
  async rotate(): Promise<CpuProfile> {
    const holder = this.holder;
    if (holder === undefined) throw new Error("the CPU sampler is not running");
    if (holder.kind === "protocol") {
      const title = `twintune-${process.pid}-${++this.sequence}`;
      inspectorConsole.profile(title);
      this.holder = { kind: "console", title };
      return (await this.session.post<{ profile: CpuProfile }>("Profiler.stop")).profile;
    }
    await this.session.post("Profiler.start");
    this.holder = { kind: "protocol" };
    return this.endConsoleProfile(holder.title);
  }

  /** Ends sampling and returns the last profile. */
  async stop(): Promise<CpuProfile> {
    const holder = this.holder;
    if (holder === undefined) throw new Error("the CPU sampler is not running");
    this.holder = undefined;
    if (holder.kind === "protocol") return (await this.session.post<{ profile: CpuProfile }>("Profiler.stop")).profile;
    return this.endConsoleProfile(holder.title);
  }

  /** Releases the inspector's profiler (after stop). */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.session.post("Profiler.disable");
  }

  private endConsoleProfile(title: string): Promise<CpuProfile> {
    const finished = new Promise<CpuProfile>((resolve) => this.pending.set(title, resolve));
    inspectorConsole.profileEnd(title);
    return finished;
  }
}
