import type { KnobValue } from "../src/backend.js";
import { sameKnobValue } from "../src/backend.js";
import type { ComponentImpact, HistoryEntry } from "../src/report/run-result.js";
import type { ResolvedScenario } from "../src/scenario/load-scenario.js";
import { ForkRunner } from "./fork-runner.js";
import { metricsOf } from "./run-detail.js";
import type { InstanceLookup } from "./twin/twin-knobs.js";

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
  for (const event of history) if (event.action === "keep" && !event.rolledBack) owner.set(event.knob, event.component);
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
  resolved: ResolvedScenario,
  seed: number,
  initial: ReadonlyMap<string, KnobValue>,
  final: Readonly<Record<string, KnobValue>>,
  history: readonly HistoryEntry[],
  instances?: InstanceLookup,
): Promise<ComponentImpact[]> {
  const { warmup, window } = resolved.scenario.evaluation;
  const runner = new ForkRunner(resolved, instances, warmup);
  const out: ComponentImpact[] = [];
  for (const [component, knobs] of knobOwners(history, initial, final)) {
    const state = new Map(initial);
    for (const knob of knobs) state.set(knob, final[knob] as KnobValue);
    const result = await runner.run(seed, state, [], window, window);
    out.push({ component, changes: knobs.length, metrics: metricsOf(result.window) });
  }
  return out;
}
