import { runTuning } from "../../../sim/tuning-run.js";
import type { Orchestrator } from "../../orchestrator/orchestrator.js";
import type { ResolvedScenario } from "../../scenario/load-scenario.js";
import type { ToWorker, WorkerSide } from "./twin-protocol.js";

/**
 * The worker's side of a watched twin run: runs the tuning, posts every update, asks the UI
 * thread before each simulated step of the tuned twin and waits for its go (pause and speed),
 * and carries out the operator's reverts at those steps, where the orchestrator is only
 * observing (Orchestrator.revertLast). Resolves when the run is over and reported.
 */
export async function runPacedTuning(
  resolved: ResolvedScenario,
  seed: number,
  port: WorkerSide,
  forkThreads = 1,
): Promise<void> {
  let orchestrator: Orchestrator | undefined;
  let startTime = 0;
  let over = false;
  let reverts = 0;
  let waitId = 0;
  let pending: { id: number; resolve: (why: "go" | "command") => void } | undefined;

  const wake = (why: "go" | "command") => {
    const waiting = pending;
    pending = undefined;
    waiting?.resolve(why);
  };
  port.on("message", (message: ToWorker) => {
    if (message.type === "go") {
      if (pending?.id === message.id) wake("go");
      return;
    }
    if (over) {
      port.postMessage({ type: "notice", text: "the run is over: nothing to revert" });
      return;
    }
    reverts++;
    wake("command");
  });

  const carryOut = async () => {
    while (reverts > 0 && orchestrator !== undefined) {
      reverts--;
      const events = await orchestrator.revertLast("reverted by the operator");
      const undone = events.filter((e) => e.action === "revert").map((e) => `${e.knob.knob} ${e.knob.target}`);
      port.postMessage({
        type: "notice",
        text:
          undone.length === 0
            ? "nothing to revert: no change of this run is in effect"
            : `reverted ${undone.join(", ")}; held for the rest of the run`,
      });
    }
  };

  const pace = async (simTimeMs: number) => {
    for (;;) {
      await carryOut();
      const id = ++waitId;
      const why = await new Promise<"go" | "command">((resolve) => {
        pending = { id, resolve };
        port.postMessage({ type: "wait", id, at: simTimeMs - startTime });
      });
      if (why === "go") {
        await carryOut();
        return;
      }
    }
  };

  try {
    const result = await runTuning(resolved, {
      seed,
      forkThreads,
      pace,
      onStart: (run) => {
        orchestrator = run.orchestrator;
        startTime = run.startTime;
        port.postMessage({ type: "started", startTime });
      },
      onUpdate: (update) => port.postMessage({ type: "update", update }),
    });
    over = true;
    port.postMessage({
      type: "finished",
      summary: {
        scenario: result.scenario,
        converged: result.convergence.converged,
        atMinutes: result.convergence.atMinutes,
        baseline: { ...result.baseline },
        tuned: { ...result.tuned },
        kept: result.history.filter((e) => e.action === "keep").length,
        rollbacks: result.rollbacks,
        evaluationMin: resolved.scenario.evaluation.window / 60_000,
      },
    });
  } catch (error) {
    over = true;
    port.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  }
}
