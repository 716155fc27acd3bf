import { Box, Text } from "ink";
import { chartRows } from "../chart.js";
import { cell, minutes } from "../format.js";
import { useTheme } from "../theme.js";
import type { ViewState } from "../view-state.js";

/** The convergence chart: improvement per window, the ±threshold band, and the converged point. */
export function ChartPanel({ state, width, rows }: { state: ViewState; width: number; rows: number }) {
  const theme = useTheme();
  const { info } = state;
  if (info.thresholdPct === undefined) {
    // A live plan or apply is one step, not a series of tuning windows: there is nothing to chart.
    const lines = [`${info.mode}: one step, not a run:`, "no convergence to chart."];
    return (
      <Box flexDirection="column" width={width} height={rows + 2}>
        <Text bold color={theme.color("title")}>
          {cell("Convergence", width)}
        </Text>
        {lines.map((line) => (
          <Text key={line} color={theme.color("muted")}>
            {cell(line, width)}
          </Text>
        ))}
      </Box>
    );
  }
  const threshold = info.thresholdPct;
  const converged = state.convergedAtMin === undefined ? "" : ` · ◆ converged at ${minutes(state.convergedAtMin)}`;
  const waiting = state.windows.length === 0 ? " · none yet" : "";
  const title = `Improvement per ${minutes(info.intervalMin ?? 5)} window · ┈ ±${threshold}%${converged}${waiting}`;
  const chart = chartRows({
    windows: state.windows,
    thresholdPct: threshold,
    convergedAtMin: state.convergedAtMin,
    spanMin: info.durationMin ?? state.nowMin,
    width,
    height: rows,
  });
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.color("title")}>
        {cell(title, width)}
      </Text>
      {chart.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the rows are positions on the screen
        <Text key={index}>
          {row.map((segment, at) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: segments are positions in the row
            <Text key={at} color={theme.color(segment.tone)}>
              {segment.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
