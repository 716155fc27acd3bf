import { takeOverText } from "../../../../live/plan/live-plan.js";
import { KnobConflictError, type Observation, type Receipt } from "../../../backend.js";
import { integerOption, MAX_INTERVAL_MS, parseCommandArgs } from "../../args.js";
import { UsageError, UserError } from "../../errors.js";
import type { CliIO } from "../../io.js";
import { renderTable } from "../../table.js";
import type { LiveView } from "../../tui/live-tui.js";
import { processTerminal } from "../../tui/show-feed.js";
import { PLAN_OPTIONS, PLAN_OPTIONS_HELP } from "./live-changes.js";
import { type LiveDeps, listenForExitSignal, signalStatus, withLiveErrors } from "./live-context.js";
import { formatValue } from "./live-format.js";
import { appliedJson, nothingPlanned, planFromArgs, planJson, renderPlan } from "./live-plan-command.js";

export const APPLY_USAGE = `Usage: twintune live apply [--yes] [--revert-on-exit] [options]

Writes the plan (see 'twintune live plan'). Without --yes it only shows it. Every change is
validated first, so a bad value or a missing permission writes nothing. Before the first write
to a knob its original value is appended to the journal and fsync'd; every write is read back
(a mismatch is reported and undone); a knob someone else changed since twintune wrote it is
yielded, never overwritten, unless a --set names it (their value then becomes the original).
The changes stay in effect after the command ends: 'twintune live revert' restores them.
Refuses to run while an interrupted run's journal is left ('live recover').

Options:
  --yes            really write
  --revert-on-exit keep running and restore the originals on SIGINT, SIGTERM or SIGHUP (with --tui: on quit);
                   a signal during the writes restores once the batch is written
${PLAN_OPTIONS_HELP}
Exit codes: 0 applied; 1 a change failed or was refused (nothing written); 2 usage; 75 a journal
left by an interrupted run, or another twintune running; 77 not permitted (not root, read-only).
`;

export async function runApply(args: string[], io: CliIO, deps: LiveDeps): Promise<number> {
  const { values } = parseCommandArgs("live apply", args, {
    ...PLAN_OPTIONS,
    yes: { type: "boolean", default: false },
    "revert-on-exit": { type: "boolean", default: false },
  });
  if (values.tui && values.json) throw new UsageError("--tui and --json do not go together");
  // Whether --tui really draws a screen (a terminal), or prints its plain log instead.
  const onScreen = values.tui === true && (deps.terminal ?? processTerminal(io)) !== undefined;
  return withLiveErrors(
    async () => {
      const { backend, plan, observation, explicit } = await planFromArgs(values, io, deps);
      const view = async (fields: Pick<LiveView, "planned" | "applied" | "outcome"> & { after?: Observation }) => {
        const { showLive } = await import("../../tui/live-tui.js");
        await showLive(
          {
            mode: "live apply",
            host: (await backend.topology()).hostname,
            time: backend.clock.now(),
            ...(observation ? { before: observation } : {}),
            ...fields,
            rejected: plan.rejected,
            notes: plan.notes,
          },
          io,
          deps.terminal,
        );
      };
      const leftover = await backend.leftover();
      if (leftover !== undefined) throw leftover;
      const refused = plan.rejected.filter(({ error }) => !(error instanceof KnobConflictError));
      if (refused.length > 0) throw refused[0]?.error; // nothing written: the first refusal names the knob
      const conflicts = plan.rejected.map(({ change }) => change);
      const changes = plan.receipts.filter(
        (receipt) =>
          receipt.createdByBatch === true || JSON.stringify(receipt.previous) !== JSON.stringify(receipt.applied),
      );
      // An explicit --set that --device or --only filtered out is said, not silently dropped.
      const nothing =
        plan.receipts.length > 0
          ? "Nothing to change: every knob already has that value."
          : plan.rejected.length > 0
            ? "Nothing to change." // each reason was said on stderr
            : nothingPlanned(values, plan);
      if (!values.yes) {
        for (const { error } of plan.rejected) io.stderr.write(`twintune: ${error.message}\n`);
        for (const text of plan.takeOvers) io.stderr.write(`twintune: ${text}\n`);
        if (values.json) io.stdout.write(`${JSON.stringify(planJson(plan), null, 2)}\n`);
        if (changes.length === 0) {
          if (!values.json) io.stdout.write(`${nothing}\n`);
          return 0;
        }
        const refusal = `nothing written: pass --yes to write these ${changes.length} change(s)`;
        if (values.tui) await view({ planned: changes, applied: [], outcome: refusal });
        else if (!values.json) io.stdout.write(renderPlan(changes));
        throw new UserError(refusal);
      }
      // With --revert-on-exit the signals are caught before the first write: SIGINT or SIGTERM
      // during the writes then means "restore once the batch is done", not a kill between two.
      let phase: "writing" | "holding" | "restoring" = "writing";
      const exitSignal =
        values["revert-on-exit"] && !onScreen && deps.waitForExit === undefined
          ? listenForExitSignal((signal, repeat) => {
              if (phase === "writing")
                io.stderr.write(
                  `twintune: ${signal}: finishing the batch being written, then restoring the originals; wait for it to finish\n`,
                );
              else if (repeat)
                io.stderr.write(`twintune: ${signal}: still restoring the originals; wait for it to finish\n`);
            })
          : undefined;
      // Without it, a signal during the writes is held until the batch is done: a kill between two
      // writes would leave half a plan for 'live recover' to find, and nothing said.
      const duringWrites =
        exitSignal === undefined && deps.waitForExit === undefined
          ? listenForExitSignal((signal, repeat) => {
              // After the writes, before the screen: the metrics window runs to its end first.
              if (onScreen && phase === "holding" && !repeat)
                io.stderr.write(
                  `twintune: ${signal}: ending once the metrics window (--interval) is over${values["revert-on-exit"] ? ", then restoring the originals" : "; the changes stay in effect"}\n`,
                );
            })
          : undefined;
      let receipts: Receipt[] = [];
      try {
        // The knobs someone else changed go in too: planned inside the session, each yield is
        // recorded in the journal (and left out), so twintune stops managing them.
        receipts = await backend.applyAll([...changes.map((receipt) => receipt.change), ...conflicts], {
          skip: (_change, error) => {
            if (!(error instanceof KnobConflictError)) return false;
            io.stderr.write(`twintune: ${error.message}\n`);
            return true;
          },
          takeOver: (change) => explicit.some((wanted) => wanted.id === change.id),
          tookOver: (_change, conflict) => io.stderr.write(`twintune: ${takeOverText(conflict)}\n`),
        });
      } catch (error) {
        duringWrites?.stop();
        exitSignal?.stop();
        // A journal that could not take the batch's records will not take the session's end
        // either: the first error is the one to report.
        await backend.close("failed").catch((closing: Error) => {
          if (error instanceof Error)
            error.message += `; the journal could not record the run's end either (${closing.message}): once there is room, 'twintune live recover' closes it`;
        });
        throw error;
      }
      phase = "holding";
      const interrupted = duringWrites?.received();
      if (interrupted !== undefined) {
        // Still caught while the session is closed: another Ctrl-C now must not leave it open.
        await backend.close("completed");
        // A script reading --json still learns what was written.
        if (values.json) io.stdout.write(`${JSON.stringify(appliedJson(receipts, backend.journal.path), null, 2)}\n`);
        io.stderr.write(
          `twintune: ${interrupted} came during the writes: the batch was finished first, so nothing is half-applied; its ${receipts.length} change(s) stay in effect ('twintune live revert' restores them)\n`,
        );
        duringWrites?.stop();
        return signalStatus(interrupted);
      }
      if (receipts.length === 0) {
        duringWrites?.stop();
        exitSignal?.stop();
        await backend.close("completed");
        io.stdout.write(
          values.json ? `${JSON.stringify(appliedJson([], backend.journal.path), null, 2)}\n` : `${nothing}\n`,
        );
        return 0;
      }
      // Off a terminal the screen's plain log would only repeat the table printed below.
      // A signal before the screen is up (during the metrics window below) is still caught: it
      // ends the run as one during the writes would, never killing it with the changes in place.
      let early: string | undefined;
      let after: Observation | undefined;
      if (onScreen) {
        // The same metrics window again, now with the changes in effect.
        after = await backend.observeOver(
          integerOption("interval", values.interval, 1000, 1, MAX_INTERVAL_MS),
          values.netns === undefined ? [] : [values.netns],
        );
        // The screen takes the keys (and Ctrl-C) from here.
        early = duringWrites?.received();
        duringWrites?.stop();
      }
      if (onScreen && early === undefined) {
        await view({
          planned: [],
          applied: receipts,
          after,
          outcome: `Applied ${receipts.length} change(s); originals saved in ${backend.journal.path}. ${
            values["revert-on-exit"]
              ? "Quitting restores them (--revert-on-exit)."
              : "They stay in effect: 'twintune live revert' restores the originals."
          }`,
        });
      }
      // With --json stdout is one document, printed once written; later news goes to stderr.
      const say = (text: string) => (values.json ? io.stderr : io.stdout).write(text);
      if (values.json) io.stdout.write(`${JSON.stringify(appliedJson(receipts, backend.journal.path), null, 2)}\n`);
      else
        io.stdout.write(
          renderTable(
            ["knob", "target", "before", "after (read back)", "path"],
            receipts.map((receipt) => [
              receipt.change.knob.knob,
              receipt.change.knob.target,
              formatValue(receipt.change.knob.knob, receipt.previous),
              formatValue(receipt.change.knob.knob, receipt.applied),
              backend.journal.managed(receipt.change.knob)?.record.path ?? "",
            ]),
          ),
        );
      if (!values.json)
        io.stdout.write(`\nApplied ${receipts.length} change(s); originals saved in ${backend.journal.path}.\n`);
      if (!values["revert-on-exit"]) {
        await backend.close("completed");
        duringWrites?.stop();
        if (!values.json) io.stdout.write("They stay in effect: 'twintune live revert' restores the originals.\n");
        return early === undefined ? 0 : signalStatus(early);
      }
      // With --tui on a terminal the screen held them: quitting it is the exit. Off a terminal
      // (--tui printed the plain log), the signal is, as without --tui.
      if (!onScreen && exitSignal?.received() === undefined)
        say("Holding them until SIGINT, SIGTERM or SIGHUP (--revert-on-exit), then restoring the originals.\n");
      const signal = onScreen
        ? (early ?? "quit")
        : await (exitSignal ? exitSignal.wait() : (deps.waitForExit as () => Promise<string>)());
      phase = "restoring";
      let failed = 0;
      let yielded = 0;
      for (const receipt of [...receipts].reverse()) {
        const { knob, target } = receipt.change.knob;
        try {
          await backend.revert(receipt);
        } catch (error) {
          // Someone else changed it meanwhile: left as they set it, as 'live revert' does; not a failure.
          if (error instanceof KnobConflictError) {
            yielded++;
            say(`${knob} on ${target}: ${error.message}; left as is\n`);
            continue;
          }
          failed++;
          io.stderr.write(`twintune: could not restore ${knob} on ${target}: ${(error as Error).message}\n`);
        }
      }
      await backend.close(failed === 0 ? "reverted" : "failed");
      exitSignal?.stop();
      const restored = receipts.length - failed - yielded;
      say(
        `${signal}: restored ${restored} of ${receipts.length} change(s)${yielded > 0 ? `; ${yielded} changed by someone else, left as is` : ""}.\n`,
      );
      return failed === 0 ? 0 : 1;
    },
    { changesHost: true },
  );
}
