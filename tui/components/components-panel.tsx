import { Box, Text } from "ink";
import { type ComponentStatus, displayStatus } from "../component-status.js";
import { cell, minutes } from "../format.js";
import { type Role, useTheme } from "../theme.js";
import type { ViewState } from "../view-state.js";

const ROLE: Record<ComponentStatus, Role> = {
  idle: "muted",
  planned: "title",
  applied: "good",
  validating: "warn",
  kept: "good",
  "rolled back": "rollback",
  frozen: "bad",
  disabled: "bad",
  failed: "bad",
  skipped: "muted",
  "not judged": "muted",
};

const STATUS = 13;

/** The name column: as wide as the longest name (plus a space), between 12 and 20 columns. */
export function nameWidth(names: readonly string[]): number {
  return Math.min(20, Math.max(12, ...names.map((name) => name.length + 1)));
}

/** Each component's state and what it last changed. */
export function ComponentsPanel({ state, width, rows }: { state: ViewState; width: number; rows: number }) {
  const theme = useTheme();
  const shown = state.components.slice(0, rows);
  const hidden = state.components.length - shown.length;
  const NAME = nameWidth(state.components.map((c) => c.name));
  // The verdict counts only mean something where changes are validated (the twin).
  const COUNTS = state.info.validates ? 20 : 0;
  const changeWidth = Math.max(10, width - NAME - STATUS - COUNTS - 1);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.color("title")}>
        {cell(`Components${hidden > 0 ? ` (${hidden} more)` : ""}`, NAME + STATUS)}
        {cell("last change", changeWidth)}
        {cell(state.info.validates ? "verdicts" : "", COUNTS + 1, "right")}
      </Text>
      {shown.map((component) => {
        const status = displayStatus(component, state.finished !== undefined);
        const counts = state.info.validates ? `kept ${component.kept} · reverted ${component.rolledBack}` : "";
        const change =
          component.lastChange === undefined
            ? "-"
            : `${component.lastMin === undefined ? "" : `${minutes(component.lastMin)} `}${component.lastChange}`;
        const label =
          status === "validating" && component.validating.length > 1
            ? `validating ${component.validating.length}`
            : status;
        return (
          <Text key={component.name}>
            {cell(component.name, NAME - 1)}{" "}
            <Text bold color={theme.color(ROLE[status])}>
              {cell(label, STATUS - 1)}{" "}
            </Text>
            {cell(change, changeWidth)}
            <Text color={theme.color("muted")}>{cell(counts, COUNTS + 1, "right")}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
