import { knobKey } from "../../../tuners/tuner.js";
import { parseCommandArgs } from "../../args.js";
import type { CliIO } from "../../io.js";
import { renderTable } from "../../table.js";
import { type LiveDeps, openBackend, withLiveErrors } from "./live-context.js";
import { formatValue } from "./live-format.js";

export const JOURNAL_USAGE = `Usage: twintune live journal [--json] [--state-dir DIR] [--root DIR]

Shows the journal: every knob twintune changed and still manages (its path, the original value
saved before the first write, the value last written), runs that were interrupted, and knobs it
yielded because someone else changed them. Reads only.

Options:
  --json           print {"path", "managed", "interrupted", "yielded", "roots", "running"}
  --state-dir DIR  journal directory (default /var/lib/twintune as root, else $XDG_STATE_HOME/twintune)
  --root DIR       the host's files are under DIR (a captured fixture tree) instead of /; accepted
                   like the other live subcommands, it changes nothing here: the journal is read
                   from --state-dir only
`;

export async function runJournal(args: string[], io: CliIO, deps: LiveDeps): Promise<number> {
  const { values } = parseCommandArgs("live journal", args, {
    json: { type: "boolean", default: false },
    "state-dir": { type: "string" },
    root: { type: "string" },
  });
  return withLiveErrors(async () => {
    const backend = await openBackend(io, values, deps);
    const state = backend.journalState();
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ path: backend.journal.path, ...state }, null, 2)}\n`);
      return 0;
    }
    if (
      state.managed.length === 0 &&
      state.interrupted.length === 0 &&
      state.running.length === 0 &&
      state.yielded.length === 0
    ) {
      io.stdout.write(`No journal (${backend.journal.path}): twintune manages no knob on this host.\n`);
      return 0;
    }
    io.stdout.write(`Journal ${backend.journal.path}\n\n`);
    io.stdout.write(
      renderTable(
        ["knob", "target", "path", "original", "last written", "saved at"],
        state.managed.map((entry) => [
          entry.record.knob.knob,
          entry.record.knob.target,
          entry.record.path,
          formatValue(entry.record.knob.knob, entry.record.original),
          entry.lastWritten === undefined
            ? "(not written: interrupted)"
            : formatValue(entry.record.knob.knob, entry.lastWritten),
          new Date(entry.record.at).toISOString(),
        ]),
      ),
    );
    for (const record of state.interrupted) {
      io.stdout.write(
        `\nInterrupted: 'twintune live ${record.command}' (pid ${record.pid}) began ${new Date(record.at).toISOString()} and never ended: run 'twintune live recover'.\n`,
      );
    }
    for (const record of state.running) {
      io.stdout.write(
        `\nRunning: 'twintune live ${record.command}' (pid ${record.pid}) began ${new Date(record.at).toISOString()} and is still changing this host.\n`,
      );
    }
    // A knob taken over since (an explicit --set) is managed again: its yield is history.
    const managedSince = new Map(state.managed.map((entry) => [knobKey(entry.record.knob), entry.index]));
    for (const yielded of state.yielded.filter((y) => (managedSince.get(knobKey(y.knob)) ?? -1) < y.index)) {
      io.stdout.write(
        `Yielded: ${yielded.knob.knob} on ${yielded.knob.target} was changed by someone else to ${formatValue(yielded.knob.knob, yielded.found)}; twintune left it.\n`,
      );
    }
    return 0;
  });
}
