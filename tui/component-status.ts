import { formatKnobValue, type KnobRef, type KnobValue } from "../src/backend.js";
import type { TuningEvent } from "../src/orchestrator/tuning-event.js";

export type ComponentStatus =
  | "idle"
  | "planned"
  | "applied"
  | "validating"
  | "kept"
  | "rolled back"
  | "frozen"
  | "disabled"
  | "failed"
  | "skipped"
  /** Applied, and the run ended before its verdict. */
  | "not judged";

export interface ComponentView {
  name: string;
  /** The state its latest decision left it in (see displayStatus for what the screen shows). */
  status: ComponentStatus;
  /** Its last change, applied or proposed: "cpu-affinity web-1 0-15 → 0-7". */
  lastChange?: string;
  lastMin?: number;
  /** Knobs applied and not yet judged (keys). */
  validating: readonly string[];
  kept: number;
  rolledBack: number;
}

function show(knob: KnobRef, value: KnobValue | undefined): string {
  return value === undefined ? "?" : formatKnobValue(knob.knob, value);
}

/** "cpu-affinity web-1 0-15 → 0-7" (or "... → 0-7" when the value before is not known). */
export function changeText(event: Pick<TuningEvent, "knob" | "from" | "to">): string {
  const { knob } = event;
  if (event.from === undefined && event.to === undefined) return `${knob.knob} ${knob.target}`;
  if (event.from === undefined) return `${knob.knob} ${knob.target} → ${show(knob, event.to)}`;
  return `${knob.knob} ${knob.target} ${show(knob, event.from)} → ${show(knob, event.to)}`;
}

/** The state an event leaves a component in. */
export function nextStatus(current: ComponentView, action: string, validates: boolean): ComponentStatus {
  switch (action) {
    case "plan":
      return "planned";
    case "apply":
      return validates ? "validating" : "applied";
    case "keep":
      return "kept";
    case "revert":
      return "rolled back";
    case "freeze":
      return "frozen";
    case "disable":
      return "disabled";
    case "fail":
      return "failed";
    case "skip":
      // A what-if that found no gain says something only about a component that did nothing yet.
      return current.status === "idle" ? "skipped" : current.status;
    default:
      return current.status;
  }
}

/** What the screen shows for a component: a knob still being judged outranks an earlier verdict. */
export function displayStatus(component: ComponentView, finished = false): ComponentStatus {
  if (component.validating.length > 0 && !["frozen", "disabled"].includes(component.status))
    return finished ? "not judged" : "validating";
  return component.status;
}
