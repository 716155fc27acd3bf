/**
 * How the profiler sheds cost when it runs over its overhead budget, one step at a time: heap
 * sampling off first, then a lower sampling rate, then a lower duty cycle (sampling only some
 * windows), as the reference tools keep their rates fixed and low (Pyroscope's Node SDK 100 Hz,
 * parca-agent 19 Hz) and bound cost by duty cycle (Cloud Profiler: one ~10 s profile per type a
 * minute; Google-Wide Profiling, IEEE Micro 2010). Pure: no clocks, no I/O.
 */
export interface ProfilerLevel {
  heap: boolean;
  /** CPU samples per second. */
  hz: number;
  /** Share of time spent sampling (1 = always): whole windows, each followed by (1/duty - 1) windows at rest. */
  duty: number;
}

/** The levels from full fidelity down, for the configured rate and whether heap sampling was asked for. */
export function overheadLadder(samplingHz: number, heap: boolean): ProfilerLevel[] {
  const low = Math.max(1, samplingHz / 5);
  const candidates: ProfilerLevel[] = [
    { heap, hz: samplingHz, duty: 1 },
    { heap: false, hz: samplingHz, duty: 1 },
    { heap: false, hz: Math.max(1, samplingHz / 2), duty: 1 },
    { heap: false, hz: low, duty: 1 },
    { heap: false, hz: low, duty: 0.5 },
    { heap: false, hz: low, duty: 0.25 },
    { heap: false, hz: low, duty: 0.1 },
  ];
  return candidates.filter(
    (level, k) => k === 0 || JSON.stringify(level) !== JSON.stringify(candidates[k - 1] as ProfilerLevel),
  );
}

export interface ControllerState {
  level: number;
  /** Consecutive windows with room to spare. */
  calm: number;
}

/** Windows well under budget needed before stepping back up (hysteresis against flapping). */
export const RECOVER_AFTER = 3;
/** "Well under": below this share of the target. */
export const RECOVER_BELOW = 0.5;

/**
 * The next state after a window whose measured overhead was `overhead` (a fraction of wall
 * time): one step down the ladder when over `target`, one step back up after RECOVER_AFTER
 * windows below RECOVER_BELOW · target, otherwise unchanged.
 */
export function nextLevel(state: ControllerState, overhead: number, target: number, levels: number): ControllerState {
  const last = levels - 1;
  if (overhead > target) return { level: Math.min(last, state.level + 1), calm: 0 };
  if (overhead < target * RECOVER_BELOW) {
    const calm = state.calm + 1;
    if (calm >= RECOVER_AFTER && state.level > 0) return { level: state.level - 1, calm: 0 };
    return { level: state.level, calm };
  }
  return { level: state.level, calm: 0 };
}
