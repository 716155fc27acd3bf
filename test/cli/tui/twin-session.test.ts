import { MessageChannel } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { runPacedTuning } from "../../../src/cli/tui/paced-tuning.js";
import type { FromWorker, ToWorker } from "../../../src/cli/tui/twin-protocol.js";
import { TwinSession, type WorkerHandle } from "../../../src/cli/tui/twin-session.js";
import { twinInfo } from "../../../src/cli/tui/twin-tui.js";
import { loadScenario } from "../../../src/scenario/load-scenario.js";
import type { FeedUpdate } from "../../../tui/feed.js";

const FIXTURE = new URL("../../fixtures/scenarios/tui-host.yaml", import.meta.url).pathname;

/**
 * The worker's side run in this thread over a MessageChannel: the same messages as between
 * threads, without starting one (so coverage sees it and the test controls the timing).
 */
function inProcessWorker(): { handle: WorkerHandle; run: Promise<void> } {
  const { port1, port2 } = new MessageChannel();
  const resolved = loadScenario(FIXTURE);
  const run = runPacedTuning(resolved, resolved.scenario.seed, {
    postMessage: (message: FromWorker) => port2.postMessage(message),
    on: (_event, listener) => port2.on("message", listener),
  });
  const handle: WorkerHandle = {
    postMessage: (message: ToWorker) => port1.postMessage(message),
    on: ((event: string, listener: (message: FromWorker) => void) => {
      if (event === "message") port1.on("message", listener);
      return handle;
    }) as WorkerHandle["on"],
    terminate: async () => {
      port1.close();
      port2.close();
      return 0;
    },
  };
  return { handle, run };
}

function collect(session: TwinSession): FeedUpdate[] {
  const seen: FeedUpdate[] = [];
  session.feed.subscribe((update) => seen.push(update));
  return seen;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a watched twin run (UI thread side and worker side over messages)", () => {
  it("holds the run while paused, reverts the last change on 'r', and reports the end", async () => {
    const { handle, run } = inProcessWorker();
    const session = new TwinSession({ info: twinInfo(loadScenario(FIXTURE)), worker: handle, speed: 60 });
    const seen = collect(session);
    // Pause as soon as the first change shows, the way an operator would.
    session.feed.subscribe((update) => {
      if (
        update.type === "event" &&
        update.event.action === "apply" &&
        !seen.some((u) => u.type === "pace" && u.paused)
      )
        session.command("toggle-pause");
    });
    await expect.poll(() => seen.some((u) => u.type === "pace" && u.paused), { timeout: 60_000 }).toBe(true);
    const samplesAtPause = seen.filter((u) => u.type === "sample").length;
    await sleep(500);
    // Paused: the twin is held at its next step, so no new minute is simulated.
    expect(seen.filter((u) => u.type === "sample").length).toBe(samplesAtPause);

    session.command("revert-last");
    await expect
      .poll(() => seen.filter((u) => u.type === "notice").map((u) => (u as { text: string }).text), { timeout: 30_000 })
      .toContainEqual(
        expect.stringMatching(
          /^reverted (memory-policy web, cpu-affinity web|cpu-affinity web, memory-policy web); held for the rest of the run$/,
        ),
      );
    const reverts = seen.flatMap((u) => (u.type === "event" && u.event.action === "revert" ? [u.event] : []));
    expect(reverts.map((e) => e.knob.knob).sort()).toEqual(["cpu-affinity", "memory-policy"]);
    expect(reverts.every((e) => e.reason === "reverted by the operator" && e.rolledBack)).toBe(true);
    // Still paused after carrying out the revert.
    expect(seen.filter((u) => u.type === "sample").length).toBe(samplesAtPause);

    session.command("toggle-pause");
    session.command("faster");
    session.command("faster");
    await session.ended;
    await run;
    expect(session.error).toBeUndefined();
    expect(session.summary).toMatchObject({ scenario: "tui-host", kept: 0, rollbacks: 2 });
    const events = seen.flatMap((u) => (u.type === "event" ? [u.event] : []));
    // The reverted knobs were neither judged nor changed again.
    expect(events.filter((e) => e.action === "keep" || e.action === "apply").length).toBe(2);
    expect(seen.at(-1)).toMatchObject({ type: "finished" });
    session.command("revert-last");
    expect(seen.at(-1)).toMatchObject({ type: "notice", text: "the run is over: nothing to revert" });
    await session.close();
  }, 120_000);
});
