import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WriteHook } from "../../live/engine/test-hook.js";
import { LiveBackend } from "../../live/live-backend.js";
import type { Change, KnobName, KnobValue } from "../../src/backend.js";
import { FakeHostFs } from "./fake-host-fs.js";
import { FIXTURES, FixtureRunner } from "./fixture-runner.js";

/** A clock that advances only when slept, so observations are deterministic. */
export class StepClock {
  constructor(public time = 1_000_000) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
  }
}

export interface Harness {
  fs: FakeHostFs;
  runner: FixtureRunner;
  stateDir: string;
  open(hook?: WriteHook): Promise<LiveBackend>;
  journalText(): string;
  cleanup(): void;
}

/** A LiveBackend over an in-memory copy of a fixture host, with its own temporary state directory. */
export async function harness(fixture = "numa-2node-smt"): Promise<Harness> {
  const fs = await FakeHostFs.fromFixture(join(FIXTURES, fixture));
  const runner = new FixtureRunner(fixture);
  const stateDir = mkdtempSync(join(tmpdir(), "twintune-state-"));
  return {
    fs,
    runner,
    stateDir,
    open: (hook) =>
      LiveBackend.open({ fs, runner, stateDir, isRoot: true, clock: new StepClock(), ...(hook ? { hook } : {}) }),
    journalText: () =>
      existsSync(join(stateDir, "journal.jsonl")) ? readFileSync(join(stateDir, "journal.jsonl"), "utf8") : "",
    cleanup: () => rmSync(stateDir, { recursive: true, force: true }),
  };
}

let next = 0;
export function change(knob: KnobName, target: string, to: KnobValue): Change {
  next += 1;
  return { id: `c${next}`, knob: { knob, target }, to, component: "test", reason: "test" };
}
