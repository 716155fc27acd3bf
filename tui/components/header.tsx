import { Box, Text } from "ink";
import { minutes } from "../format.js";
import { type Role, useTheme } from "../theme.js";
import type { ViewState } from "../view-state.js";

/** Where the run is: what is tuned, how far it got, the pace, and whether it converged. */
export function status(state: ViewState): { text: string; role: Role } {
  const { finished, convergedAtMin } = state;
  if (state.error !== undefined) return { text: "stopped by an error", role: "bad" };
  if (finished !== undefined) {
    if (state.info.mode !== "twin") return { text: "done", role: "good" };
    return finished.converged && finished.atMinutes !== null
      ? { text: `finished · converged at ${minutes(finished.atMinutes)}`, role: "good" }
      : { text: "finished · not converged", role: "warn" };
  }
  if (state.pace?.paused) return { text: "PAUSED", role: "warn" };
  if (convergedAtMin !== undefined)
    return { text: `converged at ${minutes(convergedAtMin)} · finishing`, role: "good" };
  if (state.info.mode !== "twin") return { text: "reading the host", role: "plain" };
  return { text: state.startTime === undefined ? "starting" : "running", role: "plain" };
}

export function Header({ state, width }: { state: ViewState; width: number }) {
  const theme = useTheme();
  const { info } = state;
  const left =
    info.mode === "twin" ? `twintune · ${info.title} on the twin` : `twintune · ${info.mode} · ${info.title}`;
  const parts: string[] = [];
  if (info.mode === "twin") {
    parts.push(`${minutes(state.nowMin)} of ${minutes(info.durationMin ?? state.nowMin)}`);
    if (state.pace !== undefined && state.finished === undefined) parts.push(state.pace.speed);
  }
  const { text, role } = status(state);
  const middle = parts.length > 0 ? `${parts.join(" · ")} · ` : "";
  const gap = Math.max(1, width - left.length - middle.length - text.length);
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate-end">
        <Text bold color={theme.color("title")}>
          {left}
        </Text>
        {" ".repeat(gap)}
        <Text color={theme.color("muted")}>{middle}</Text>
        <Text bold color={theme.color(role)}>
          {text}
        </Text>
      </Text>
    </Box>
  );
}
