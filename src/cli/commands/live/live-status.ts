import { liveKnob } from "../../../../live/knobs/knob-table.js";
import type { LiveBackend } from "../../../../live/live-backend.js";
import type { KnobRef, KnobValue, Observation } from "../../../backend.js";
import { integerOption, MAX_INTERVAL_MS, parseCommandArgs } from "../../args.js";
import type { CliIO } from "../../io.js";
import { renderTable } from "../../table.js";
import { type LiveDeps, openBackend, withLiveErrors } from "./live-context.js";
import { formatValue, runningNote } from "./live-format.js";
import { renderMetrics, renderTopology } from "./live-status-render.js";

export const STATUS_USAGE = `Usage: twintune live status [--json] [--interval MS] [--pid PID]... [--state-dir DIR] [--root DIR]

Prints this host as the live backend sees it: the topology (NUMA nodes, CPUs with their cores
and SMT siblings, caches, block devices, network interfaces), the current value of every knob
twintune can tune, and a metrics snapshot over MS milliseconds (default 1000). Reads only.

Options:
  --interval MS    length of the metrics window (default 1000, at most a day)
  --pid PID        also show this process (its CPU affinity, NUMA nodes, L3 ways, CPU use); repeatable
  --json           print {"topology", "caches", "knobs", "observation", "journal"}
  --state-dir DIR  journal directory (default /var/lib/twintune as root, else $XDG_STATE_HOME/twintune)
  --root DIR       read the host's files under DIR (a captured fixture tree) instead of /;
                   no program (taskset, ethtool, getconf, nsenter) is run for it
`;

export interface KnobReading {
  knob: KnobRef["knob"];
  target: string;
  value: KnobValue;
  path: string;
}

export async function readAllKnobs(backend: LiveBackend): Promise<KnobReading[]> {
  const out: KnobReading[] = [];
  for (const ref of await backend.knobs()) {
    const value = await backend.readKnob(ref).catch(() => undefined);
    if (value !== undefined) out.push({ ...ref, value, path: liveKnob(ref.knob)?.path(ref.target) ?? "" });
  }
  return out;
}

export async function runStatus(args: string[], io: CliIO, deps: LiveDeps): Promise<number> {
  const { values } = parseCommandArgs("live status", args, {
    json: { type: "boolean", default: false },
    interval: { type: "string" },
    pid: { type: "string", multiple: true },
    "state-dir": { type: "string" },
    root: { type: "string" },
  });
  const interval = integerOption("interval", values.interval, 1000, 1, MAX_INTERVAL_MS);
  return withLiveErrors(async () => {
    const backend = await openBackend(io, values, deps);
    const discovery = await backend.discover();
    const knobs = await readAllKnobs(backend);
    const observation = await backendObservation(backend, interval);
    const journal = backend.journalState();
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ topology: discovery.topology, caches: { source: discovery.caches.source, note: discovery.caches.note }, knobs, observation, journal: { path: backend.journal.path, managed: journal.managed.length, interrupted: journal.interrupted.length } }, null, 2)}\n`,
      );
      return 0;
    }
    io.stdout.write(`${renderTopology(discovery)}\n`);
    io.stdout.write(
      renderTable(
        ["knob", "target", "value", "path"],
        knobs.map((reading) => [reading.knob, reading.target, formatValue(reading.knob, reading.value), reading.path]),
        [2], // values of every kind: a number among them is a setting, not a figure
      ),
    );
    io.stdout.write(`\n${renderMetrics(observation)}\n`);
    for (const record of journal.running) io.stdout.write(`\n${runningNote(record)}\n`);
    if (journal.interrupted.length > 0) {
      io.stdout.write(
        `\nAn interrupted run left ${journal.managed.length} changed knob(s): run 'twintune live recover'.\n`,
      );
    } else if (journal.managed.length > 0) {
      io.stdout.write(
        `\ntwintune manages ${journal.managed.length} knob(s) here ('twintune live journal'; 'twintune live revert' restores them).\n`,
      );
    }
    return 0;
  });
}

async function backendObservation(backend: LiveBackend, intervalMs: number): Promise<Observation> {
  return backend.observeOver(intervalMs);
}
