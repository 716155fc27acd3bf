import { Box, Text } from "ink";
import { cell, minutes } from "../format.js";
import { type Role, useTheme } from "../theme.js";
import type { HistoryEntry, ViewState } from "../view-state.js";
import { nameWidth } from "./components-panel.js";

/** A marker column so rollbacks and failures stand out without color too. */
function marker(entry: HistoryEntry): { mark: string; role: Role } {
  if (entry.rolledBack) return { mark: "↺", role: "rollback" };
  if (entry.action === "fail" || entry.action === "disable" || entry.action === "freeze")
    return { mark: "!", role: "bad" };
  return { mark: " ", role: "plain" };
}

function impact(entry: HistoryEntry): string {
  if (entry.impactPct === undefined) return "";
  return `${entry.impactPct >= 0 ? "+" : ""}${entry.impactPct.toFixed(1)}%`;
}

/** The tuning history: time, component, action, change, impact, success; scrolls with the arrows. */
export function HistoryLog({
  state,
  width,
  rows,
  offset,
}: {
  state: ViewState;
  width: number;
  rows: number;
  offset: number;
}) {
  const theme = useTheme();
  const { history } = state;
  const end = history.length - offset;
  const shown = history.slice(Math.max(0, end - rows), end);
  const rollbacks = history.filter((e) => e.rolledBack).length;
  const older = Math.max(0, end - rows);
  const position =
    offset > 0 ? `↓ ${offset} newer (End: follow) · ↑ ${older} older` : older > 0 ? `↑ ${older} older` : "";
  const title = `History · ${history.length} event${history.length === 1 ? "" : "s"} · ${rollbacks} rolled back`;
  // Columns: mark 2, time 6, component, action 8, change (rest), impact 8, ok 3, reason when wide.
  const name = nameWidth(state.components.map((c) => c.name));
  const fixed = 27 + name;
  const reasonWidth = width >= 120 ? Math.floor((width - fixed) / 2) : 0;
  const changeWidth = Math.max(10, width - fixed - reasonWidth);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.color("title")}>
        {cell(title, Math.max(0, width - position.length))}
        <Text color={theme.color("muted")}>{position}</Text>
      </Text>
      {shown.length === 0 ? <Text color={theme.color("muted")}>{cell("  no tuning events yet", width)}</Text> : null}
      {shown.map((entry, index) => {
        const { mark, role } = marker(entry);
        const highlight = entry.rolledBack ? theme.color("rollback") : undefined;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries are positions in the log, which only grows
          <Text key={end - shown.length + index} color={highlight} bold={entry.rolledBack && theme.colored}>
            <Text color={theme.color(role)}>{cell(mark, 2)}</Text>
            {cell(minutes(entry.min), 5, "right")} {cell(entry.component, name - 1)} {cell(entry.action, 8)}
            {cell(entry.change, changeWidth)}
            {cell(impact(entry), 8, "right")}
            <Text color={theme.color(entry.success ? "good" : "muted")}>{cell(entry.success ? " ✓" : " ✗", 3)}</Text>
            {reasonWidth > 0 ? <Text color={theme.color("muted")}>{cell(` ${entry.reason}`, reasonWidth)}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
