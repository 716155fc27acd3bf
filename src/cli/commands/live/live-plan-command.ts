import { liveKnob } from "../../../../live/knobs/knob-table.js";
import type { LiveBackend } from "../../../../live/live-backend.js";
import { type LivePlan, livePlan } from "../../../../live/plan/live-plan.js";
import {
  type Change,
  KnobConflictError,
  KnobPermissionError,
  KnobValueError,
  type Observation,
  type Receipt,
  sameKnobValue,
} from "../../../backend.js";
import { integerOption, MAX_INTERVAL_MS, parseCommandArgs } from "../../args.js";
import { UsageError, UserError } from "../../errors.js";
import type { CliIO } from "../../io.js";
import { renderTable } from "../../table.js";
import {
  explicitChanges,
  onlyFrom,
  PLAN_OPTIONS,
  PLAN_OPTIONS_HELP,
  type PlanArgs,
  sourcesFrom,
} from "./live-changes.js";
import { type LiveDeps, openBackend, requireNetns, withLiveErrors } from "./live-context.js";
import { formatValue, runningNote } from "./live-format.js";

export const PLAN_USAGE = `Usage: twintune live plan [options]      (also: twintune live)

Shadow mode: prints what twintune would change on this host and why, and writes nothing (no
host file, no journal). The changes come from the engine's I/O tuner, the same one the twin's
runs use (scheduler by device class: none for NVMe, loop devices and multi-queue SSDs and
virtual disks, mq-deadline for HDDs and single-queue disks, bfq on single-queue disks with
--fair-io; read-ahead 4 MiB for sequential and 128 KiB for random reads, the pattern seen in the
metrics window or given with --workload; a deeper queue for a busy rotating disk) and the
engine's network tuner (TCP buffers of 2 x BDP, a power of two, from --bandwidth and --rtt; BBR
where the loss given with --loss would hold CUBIC under half that path; window scaling, SACK,
timestamps on; somaxconn at least 4096, x4 on accept-queue overflows in the window, counted
inside the namespace with --netns; TSO/GSO/GRO back on, not with --netns or --device).
Each change is validated by a dry run of the whole batch: bounds, availability, permission, and whether someone else changed a knob
twintune manages.

Options:
${PLAN_OPTIONS_HELP}`;

export interface PlannedChanges {
  backend: LiveBackend;
  plan: LivePlan;
  /** The metrics window the tuners looked at (none when --set gives the changes). */
  observation: Observation | undefined;
  /** The changes --set asked for by name. */
  explicit: readonly Change[];
}

/** Opens the backend and computes the plan (dry run) the flags ask for. */
export async function planFromArgs(
  values: PlanArgs & { interval?: string; "state-dir"?: string; root?: string },
  io: CliIO,
  deps: LiveDeps,
): Promise<PlannedChanges> {
  const sources = sourcesFrom(values);
  const extra = explicitChanges(values);
  const only = onlyFrom(values);
  const interval = integerOption("interval", values.interval, 1000, 1, MAX_INTERVAL_MS);
  if (values.netns !== undefined) await requireNetns(values.netns, "--netns", deps);
  // Each explicit change's reason is its '--set TEXT', the words to name it by.
  for (const change of extra) {
    if (liveKnob(change.knob.knob)?.group === "net" && change.knob.target !== values.netns)
      await requireNetns(change.knob.target, change.reason, deps);
  }
  const backend = await openBackend(io, values, deps);
  let otherDisks: string[] = [];
  if (values.device !== undefined) {
    const disks = (await backend.topology()).devices.map((device) => device.name);
    otherDisks = disks.filter((disk) => disk !== values.device);
    if (!disks.includes(values.device)) {
      throw new UsageError(
        `--device: no disk '${values.device}' here (disks: ${disks.length > 0 ? disks.join(", ") : "none"})`,
        "'twintune live status' lists the disks and their knobs.",
      );
    }
  }
  const namespaces = values.netns === undefined ? [] : [values.netns];
  const observation = sources.length > 0 ? await backend.observeOver(interval, namespaces) : undefined;
  const plan = await livePlan(backend, sources, {
    extra,
    netns: values.netns ?? "host",
    filter: { ...(only ? { only } : {}), ...(values.device ? { device: values.device } : {}) },
    ...(observation ? { observation } : {}),
  });
  refuseExplicit(plan, extra);
  // A --set that --only or --device left out is said, not dropped without a word.
  const kept = new Set([...plan.receipts.map((r) => r.change.id), ...plan.rejected.map((r) => r.change.id)]);
  for (const change of extra)
    if (!kept.has(change.id)) io.stderr.write(`twintune: ${change.reason}: left out by ${filterFlags(values)}\n`);
  // With --device, what the rules looked at is that disk (and the network), not the others.
  plan.notes = plan.notes.filter((note) => !otherDisks.some((disk) => note.startsWith(`${disk} (`)));
  return { backend, plan, observation, explicit: extra };
}

/**
 * A --set the user typed that cannot be done is an error, not a line in the plan: a bad value is
 * a usage mistake (exit 2), a knob this host does not offer is exit 1. A knob someone else
 * changed (yielded) or may not be written (not root) stays in the plan's report.
 */
function refuseExplicit(plan: LivePlan, extra: readonly Change[]): void {
  for (const { change, error } of plan.rejected) {
    if (!extra.some((candidate) => candidate.id === change.id)) continue;
    const what = change.reason;
    if (error instanceof KnobValueError) throw new UsageError(`${what}: ${error.message}`);
    // Anything else but a yield or a permission (a file the kernel should not hold, unreadable
    // or unparsable) is why it cannot be done here: exit 1, as apply says.
    if (!(error instanceof KnobConflictError || error instanceof KnobPermissionError))
      throw new UserError(`${what}: ${error.message}`);
  }
}

export function renderPlan(receipts: readonly Receipt[]): string {
  return renderTable(
    ["knob", "target", "current", "proposed", "reason"],
    receipts.map((receipt) => {
      const { knob } = receipt.change;
      const same =
        receipt.createdByBatch !== true && JSON.stringify(receipt.previous) === JSON.stringify(receipt.applied);
      return [
        knob.knob,
        knob.target,
        receipt.createdByBatch === true ? "(comes with the switch)" : formatValue(knob.knob, receipt.previous),
        same ? "(no change)" : `${formatValue(knob.knob, receipt.applied)}${askedNote(receipt)}`,
        `${receipt.change.reason} [${receipt.change.component}]`,
      ];
    }),
  );
}

/** " (asked 125)" when the value planned is the kernel's form of another (read_expire in whole ticks). */
function askedNote(receipt: Receipt): string {
  const { change, applied } = receipt;
  return sameKnobValue(change.to, applied) ? "" : ` (asked ${formatValue(change.knob.knob, change.to)})`;
}

/** What `live apply --json` prints once written: each change with its value before and as read back. */
export function appliedJson(receipts: readonly Receipt[], journal: string): object {
  return {
    written: true,
    changes: receipts.map((receipt) => ({
      knob: receipt.change.knob.knob,
      target: receipt.change.knob.target,
      before: receipt.previous,
      after: receipt.applied,
      component: receipt.change.component,
      reason: receipt.change.reason,
    })),
    journal,
  };
}

export function planJson(plan: LivePlan): object {
  return {
    written: false,
    changes: plan.receipts.map((receipt) => ({
      knob: receipt.change.knob.knob,
      target: receipt.change.knob.target,
      current: receipt.createdByBatch === true ? null : receipt.previous,
      proposed: receipt.applied,
      ...(sameKnobValue(receipt.change.to, receipt.applied) ? {} : { asked: receipt.change.to }),
      component: receipt.change.component,
      reason: receipt.change.reason,
    })),
    notes: plan.notes,
    rejected: plan.rejected.map(({ change, error }) => ({
      knob: change.knob.knob,
      target: change.knob.target,
      proposed: change.to,
      error: error.message,
    })),
  };
}

/** The flags that narrow a plan, as given. */
function filterFlags(values: PlanArgs): string {
  const given = [
    values.only === undefined ? "" : `--only ${values.only}`,
    values.device === undefined ? "" : `--device ${values.device}`,
  ];
  return given.filter(Boolean).join(" and ");
}

/** Why the plan is empty, true to where its changes came from (the rules, or --set). */
export function nothingPlanned(values: PlanArgs, plan: LivePlan): string {
  if (plan.unreadableNetns !== undefined)
    return `No changes planned: network namespace ${values.netns} could not be read (see below).`;
  if ((values.set ?? []).length > 0) {
    return plan.rejected.length > 0
      ? "No changes: none of the --set changes can be made here (see below)."
      : "No changes: --only or --device leaves out every --set change.";
  }
  return "No changes recommended: the tuners find this host's knobs as they would set them.";
}

export function renderRejected(plan: LivePlan): string {
  return plan.rejected.map(({ error }) => `not applicable: ${error.message}\n`).join("");
}

export async function runPlan(args: string[], io: CliIO, deps: LiveDeps): Promise<number> {
  const { values } = parseCommandArgs("live plan", args, PLAN_OPTIONS);
  if (values.tui && values.json) throw new UsageError("--tui and --json do not go together");
  return withLiveErrors(async () => {
    const { backend, plan, observation } = await planFromArgs(values, io, deps);
    if (values.tui) {
      const { showLive } = await import("../../tui/live-tui.js");
      await showLive(
        {
          mode: "live plan",
          host: (await backend.topology()).hostname,
          time: backend.clock.now(),
          ...(observation ? { before: observation } : {}),
          planned: plan.receipts,
          applied: [],
          rejected: plan.rejected,
          notes: plan.notes,
          outcome: "Shadow mode: nothing was written. To apply: twintune live apply --yes (same options).",
        },
        io,
        deps.terminal,
      );
      return 0;
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify(planJson(plan), null, 2)}\n`);
      return 0;
    }
    if (plan.receipts.length > 0) io.stdout.write(renderPlan(plan.receipts));
    else io.stdout.write(`${nothingPlanned(values, plan)}\n`);
    io.stdout.write(renderRejected(plan));
    if (plan.notes.length > 0)
      io.stdout.write(`\nWhat the plan looked at:\n${plan.notes.map((note) => `  ${note}\n`).join("")}`);
    const state = backend.journalState();
    if (state.interrupted.length > 0)
      io.stdout.write("An interrupted run left a journal: 'twintune live recover' before applying.\n");
    for (const record of state.running) io.stdout.write(`${runningNote(record)}\n`);
    io.stdout.write("\nShadow mode: nothing was written. To apply: twintune live apply --yes (same options).\n");
    return 0;
  });
}
