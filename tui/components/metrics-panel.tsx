import { Box, Text } from "ink";
import { cell, METRIC_ROWS, trend } from "../format.js";
import { useTheme } from "../theme.js";
import type { ViewState } from "../view-state.js";

const LABEL = 12;
const VALUE = 9;

/**
 * The service-level figures now and at baseline, with the direction of the change (▲ ▼ =) and,
 * in color, whether it is an improvement. Once the twin run is over it shows the final
 * comparison instead: the initial and the tuned configuration measured on the same window.
 */
export function MetricsPanel({ state, width }: { state: ViewState; width: number }) {
  const theme = useTheme();
  const final = state.finished?.after !== undefined && state.finished.before !== undefined ? state.finished : undefined;
  const now = final?.after ?? state.now;
  const before = final?.before ?? state.baseline;
  const [nowLabel, beforeLabel] = final ? ["after", "before"] : ["now", "baseline"];
  const title = final ? "Final" : "Metrics";
  const changeWidth = Math.max(4, width - LABEL - 2 * VALUE);
  const note = final
    ? "initial vs tuned config, same seed"
    : state.info.mode === "twin"
      ? "baseline: before the first change"
      : "";
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.color("title")}>
        {cell(title, LABEL)}
        {cell(nowLabel, VALUE, "right")}
        {cell(beforeLabel, VALUE, "right")}
        {cell("change", changeWidth, "right")}
      </Text>
      {METRIC_ROWS.map((row) => {
        const value = now?.[row.key];
        const base = before?.[row.key];
        const move = trend(value, base, row.better);
        const role = move === undefined || move.verdict === "same" ? "muted" : move.verdict;
        return (
          <Text key={row.key}>
            {cell(row.label, LABEL)}
            {cell(value === undefined ? "n/a" : row.show(value), VALUE, "right")}
            <Text color={theme.color("muted")}>
              {cell(base === undefined ? "n/a" : row.show(base), VALUE, "right")}
            </Text>
            <Text color={theme.color(role)}>
              {cell(move === undefined ? "" : `${move.arrow} ${move.text}`, changeWidth, "right")}
            </Text>
          </Text>
        );
      })}
      {note ? <Text color={theme.color("muted")}>{cell(note, width, "right")}</Text> : null}
    </Box>
  );
}
