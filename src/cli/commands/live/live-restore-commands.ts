import type { RestoreOutcome } from "../../../../live/engine/restorer.js";
import { LeftoverJournalError } from "../../../../live/errors.js";
import type { LiveBackend } from "../../../../live/live-backend.js";
import { parseCommandArgs } from "../../args.js";
import { UserError } from "../../errors.js";
import type { CliIO } from "../../io.js";
import { renderTable } from "../../table.js";
import { EXIT_TRY_LATER, type LiveDeps, openBackend, withLiveErrors } from "./live-context.js";
import { formatValue } from "./live-format.js";

const STATE_DIR_HELP =
  "  --state-dir DIR  journal directory (default /var/lib/twintune as root, else $XDG_STATE_HOME/twintune)";
const ROOT_HELP = `  --root DIR       the host's files are under DIR (a captured fixture tree) instead of /: the
                   journal's knobs are read and restored there`;

export const REVERT_USAGE = `Usage: twintune live revert [--json] [--state-dir DIR] [--root DIR]

Restores every knob twintune changed to the original value saved in the journal, in reverse
order of the changes. One knob that fails does not stop the others; a knob someone else changed
since is left as they set it (yielded) and reported. Exits 1 if any knob failed to restore.

Options:
  --json           print {"outcomes", "failed"}
${STATE_DIR_HELP}
${ROOT_HELP}
`;

export const RECOVER_USAGE = `Usage: twintune live recover [--discard] [--json] [--state-dir DIR] [--root DIR]

After a run was killed or crashed (its journal has a session that never ended), restores every
original the journal holds, in reverse order, including a knob caught between its journal record
and its write. Until then 'live apply' refuses to run. With --discard, forgets the journal
instead and keeps the host's current values.

Options:
  --discard        forget the journal, restore nothing
  --json           print {"outcomes", "failed"} ({"discarded": N} with --discard)
${STATE_DIR_HELP}
${ROOT_HELP}
`;

function renderOutcomes(outcomes: readonly RestoreOutcome[]): string {
  return renderTable(
    ["knob", "target", "original", "result", "detail"],
    outcomes.map((outcome) => [
      outcome.knob.knob,
      outcome.knob.target,
      formatValue(outcome.knob.knob, outcome.original),
      outcome.status,
      outcome.detail ?? "",
    ]),
  );
}

function report(io: CliIO, outcomes: readonly RestoreOutcome[], json: boolean, what: string): number {
  const failed = outcomes.filter((outcome) => outcome.status === "failed").length;
  if (json) io.stdout.write(`${JSON.stringify({ outcomes, failed }, null, 2)}\n`);
  else if (outcomes.length === 0) io.stdout.write(`Nothing to ${what}: twintune manages no knob on this host.\n`);
  else {
    io.stdout.write(renderOutcomes(outcomes));
    const count = (status: RestoreOutcome["status"]) => outcomes.filter((outcome) => outcome.status === status).length;
    const parts = (["restored", "unchanged", "yielded", "gone", "failed"] as const)
      .filter((status) => count(status) > 0)
      .map((status) => `${count(status)} ${status}`);
    io.stdout.write(`\n${parts.join(", ")}${failed ? " (the failed ones stay in the journal)" : ""}.\n`);
  }
  // Said on stderr too: with stdout in a pipe or a file, a failed restore must still be seen.
  if (failed > 0)
    io.stderr.write(`twintune: ${failed} knob(s) could not be restored; they stay in the journal (${what} again)\n`);
  return failed === 0 ? 0 : 1;
}

/** Runs a restore in its session: closed "reverted" when it returns, "failed" when it throws. */
async function restoreAndReport(
  io: CliIO,
  backend: LiveBackend,
  restore: () => Promise<RestoreOutcome[]>,
  json: boolean,
  what: string,
): Promise<number> {
  try {
    const outcomes = await restore();
    await backend.close("reverted");
    return report(io, outcomes, json, what);
  } catch (error) {
    await backend.close("failed");
    throw error;
  }
}

export async function runRevert(args: string[], io: CliIO, deps: LiveDeps): Promise<number> {
  const { values } = parseCommandArgs("live revert", args, {
    json: { type: "boolean", default: false },
    "state-dir": { type: "string" },
    root: { type: "string" },
  });
  return withLiveErrors(
    async () => {
      const backend = await openBackend(io, values, deps);
      if ((await backend.leftover()) instanceof LeftoverJournalError) {
        throw new UserError(
          "an interrupted run left its journal: run 'twintune live recover' (it also restores these)",
          EXIT_TRY_LATER,
        );
      }
      return restoreAndReport(io, backend, () => backend.revertAll(), values.json, "revert");
    },
    { changesHost: true },
  );
}

export async function runRecover(args: string[], io: CliIO, deps: LiveDeps): Promise<number> {
  const { values } = parseCommandArgs("live recover", args, {
    discard: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    "state-dir": { type: "string" },
    root: { type: "string" },
  });
  return withLiveErrors(
    async () => {
      const backend = await openBackend(io, values, deps);
      const state = backend.journalState();
      if (values.discard) {
        await backend.discardJournal();
        io.stdout.write(
          values.json
            ? `${JSON.stringify({ discarded: state.managed.length }, null, 2)}\n`
            : `Journal discarded: ${state.managed.length} knob(s) keep their current values.\n`,
        );
        return 0;
      }
      // A session that only looks alive (its pid reused) is recovered too: under the lock it is a crashed one.
      if (state.interrupted.length === 0 && state.running.length === 0 && state.managed.length === 0) {
        if (values.json) return report(io, [], true, "recover");
        io.stdout.write("Nothing to recover: no journal left by an interrupted run.\n");
        return 0;
      }
      return restoreAndReport(io, backend, () => backend.recover(), values.json, "recover");
    },
    { changesHost: true },
  );
}
