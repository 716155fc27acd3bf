import { describe, expect, it, vi } from "vitest";
import type { WorkerHandle } from "../../../src/cli/tui/twin-session.js";
import { runTwinTui } from "../../../src/cli/tui/twin-tui.js";
import { loadScenario } from "../../../src/scenario/load-scenario.js";
import { fakeIO } from "../../helpers/fake-io.js";
import { fakeTerminal, stripAnsi } from "../../helpers/fake-terminal.js";

const FIXTURE = new URL("../../fixtures/scenarios/tui-host.yaml", import.meta.url).pathname;

/** A worker that never gets going: the test is about how the screen ends, not the run. */
function idleWorker(): WorkerHandle & { terminated: boolean } {
  const handle = {
    terminated: false,
    postMessage: () => {},
    on: () => handle,
    terminate: async () => {
      handle.terminated = true;
      return 0;
    },
  };
  return handle;
}

async function endWith(key: string) {
  const { stdout, stdin, terminal } = fakeTerminal();
  const worker = idleWorker();
  const io = fakeIO();
  const resolved = loadScenario(FIXTURE);
  const status = runTwinTui({ file: FIXTURE, resolved, seed: 1, speed: 2 }, io, { spawn: () => worker, terminal });
  await vi.waitFor(() => expect(stripAnsi(stdout.output())).toContain("History"), { timeout: 10_000 });
  stdin.press(key);
  return { status: await status, io, worker };
}

describe("twintune tui's exit status", () => {
  it("q is a normal end (0); Ctrl-C is an interrupt (130), as a shell expects", async () => {
    const quit = await endWith("q");
    expect(quit.status).toBe(0);
    expect(quit.worker.terminated).toBe(true);
    expect(quit.io.out()).toBe("tui-host: quit before the run finished\n");
    const interrupted = await endWith("\u0003");
    expect(interrupted.status).toBe(130);
    expect(interrupted.worker.terminated).toBe(true);
    expect(interrupted.io.out()).toBe("tui-host: quit before the run finished\n");
  });
});
