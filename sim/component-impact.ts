import type { KnobValue } from "../src/backend.js";
import { sameKnobValue } from "../src/backend.js";
import type { ComponentImpact, HistoryEntry } from "../src/report/run-result.js";
import { type ForkExecutor, type ForkResult, parseKnobKey } from "./fork-runner.js";
import { metricsOf } from "./run-detail.js";

/**
 * Which component owns each changed knob at the end: the one whose change to it was kept last.
 * Knobs back at their initial value are nobody's.
 */
export function knobOwners(
  history: readonly HistoryEntry[],
  initial: ReadonlyMap<string, KnobValue>,
  final: Readonly<Record<string, KnobValue>>,
): Map<string, string[]> {
  const owner = new Map<string, string>();
  // In the order of each knob's last keep, so a replay ends where the run ended.
  for (const event of history) {
    if (event.action !== "keep" || event.rolledBack) continue;
    owner.delete(event.knob);
    owner.set(event.knob, event.component);
  }
  const byComponent = new Map<string, string[]>();
  for (const [knob, component] of owner) {
    const value = final[knob];
    const before = initial.get(knob);
    if (value === undefined || (before !== undefined && sameKnobValue(before, value))) continue;
    byComponent.set(component, [...(byComponent.get(component) ?? []), knob]);
  }
  return byComponent;
}

/**
 * Each component's impact, measured: the untuned configuration plus only that component's final
 * knob values, run on the same evaluation window and seed as the before/after (common random
 * numbers). The parts need not add up to the whole: components interact (pinning a VM helps
 * more once its memory is local).
 */
export async function measureComponentImpact(
  runner: ForkExecutor,
  seed: number,
  windowMs: number,
  initial: ReadonlyMap<string, KnobValue>,
  final: Readonly<Record<string, KnobValue>>,
  history: readonly HistoryEntry[],
): Promise<ComponentImpact[]> {
  const owners = [...knobOwners(history, initial, final)];
  // Independent runs: on a pool of forks they go in parallel.
  const results = await Promise.all(
    // Applied as changes, in the order they were kept, not written into the state: a change
    // has side effects (switching the I/O scheduler resets nr_requests) that a state mixing the
    // untuned values with the final ones would contradict.
    owners.map(([component, knobs]) =>
      runner.run(
        seed,
        initial,
        knobs.map((knob, index) => ({
          id: `impact-${component}-${index}`,
          knob: parseKnobKey(knob),
          to: final[knob] as KnobValue,
          component,
          reason: "component impact",
        })),
        windowMs,
        windowMs,
      ),
    ),
  );
  return owners.map(([component, knobs], index) => ({
    component,
    changes: knobs.length,
    metrics: metricsOf((results[index] as ForkResult).window),
  }));
}
