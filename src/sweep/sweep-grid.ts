/** One dimension of a sweep: a key path and the values it takes, as written. */
export interface SweepAxis {
  key: string;
  texts: string[];
}

/** One point of the grid: which value of each axis. */
export interface GridPoint {
  index: number;
  /** Index of the chosen value on each axis, in axis order. */
  choice: number[];
  values: Record<string, string>;
  /** "tuning.degradationThreshold=0.05, duration=20m", or "as written" without axes. */
  label: string;
}

/** The grid: every combination of the axes' values, the last axis changing fastest. */
export function gridPoints(axes: readonly SweepAxis[]): GridPoint[] {
  let choices: number[][] = [[]];
  for (const axis of axes) choices = choices.flatMap((choice) => axis.texts.map((_, i) => [...choice, i]));
  return choices.map((choice, index) => {
    const values: Record<string, string> = {};
    axes.forEach((axis, i) => {
      values[axis.key] = axis.texts[choice[i] as number] as string;
    });
    const label =
      axes.length === 0
        ? "as written"
        : Object.entries(values)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ");
    return { index, choice, values, label };
  });
}

/** One run of a sweep: a grid point on a seed; `id` names its file. */
export interface PlannedRun {
  point: number;
  seed: number;
  id: string;
}

/** Every run, seed by seed across all points, so partial results cover every point early. */
export function plannedRuns(points: readonly GridPoint[], seeds: readonly number[]): PlannedRun[] {
  return seeds.flatMap((seed) =>
    points.map((point) => ({ point: point.index, seed, id: `p${point.index}-seed${seed}` })),
  );
}
