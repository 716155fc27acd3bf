import { createContext, useContext } from "react";

/** What a piece of text means; the theme decides how it looks. */
export type Role =
  | "title"
  | "muted"
  | "good"
  | "bad"
  | "warn"
  | "rollback"
  | "axis"
  | "up"
  | "down"
  | "threshold"
  | "marker"
  | "plain";

const COLORS: Record<Role, string | undefined> = {
  title: "cyan",
  muted: "gray",
  good: "green",
  bad: "red",
  warn: "yellow",
  rollback: "red",
  axis: "gray",
  up: "green",
  down: "red",
  threshold: "yellow",
  marker: "magenta",
  plain: undefined,
};

export interface Theme {
  colored: boolean;
  /** The ink color for a role, or undefined (no color at all under NO_COLOR). */
  color(role: Role): string | undefined;
}

export function makeTheme(colored: boolean): Theme {
  return { colored, color: (role) => (colored ? COLORS[role] : undefined) };
}

/**
 * Whether to color: not when NO_COLOR is set to anything non-empty (no-color.org), nor on a dumb
 * terminal. Meaning never rests on color alone: arrows, markers and words carry it too.
 */
export function colorWanted(env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return env.TERM !== "dumb";
}

export const ThemeContext = createContext<Theme>(makeTheme(false));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
