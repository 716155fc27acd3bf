import type { TuiCommand, TuiFeed } from "../../../tui/feed.js";
import { followPlain } from "../../../tui/progress-log.js";
import type { CliIO } from "../io.js";

/** The streams the screen is drawn on and read from. */
export interface Terminal {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Write every frame whole instead of updating the screen in place (a test's fake terminal). */
  everyFrame?: boolean;
}

/**
 * The process's terminal, when both stdin and stdout are one (and io writes to it), outside CI:
 * there ink draws only the final frame (ink's readme, "CI"), so a CI job gets the plain log.
 */
export function processTerminal(io: CliIO): Terminal | undefined {
  if (io.stdout !== process.stdout || process.stdout.isTTY !== true || process.stdin.isTTY !== true) return undefined;
  if (inCi(io.env)) return undefined;
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/** Whether a CI system runs us (the variables ink's is-in-ci looks at). */
export function inCi(env: Record<string, string | undefined>): boolean {
  const set = (name: string) => env[name] !== undefined && env[name] !== "0" && env[name] !== "false";
  return set("CI") || set("CONTINUOUS_INTEGRATION");
}

/** Exit statuses a shell gives a process ended by a signal: 128 + its number. */
const SIGNAL_STATUS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Shows a feed: full-screen on a terminal until the operator quits (or SIGTERM/SIGHUP/SIGINT,
 * which end it the same way, restoring the terminal), else as a plain log until the feed ends.
 * ink and react are loaded only for the screen. Resolves with the exit status the way it ended
 * calls for: 130 for Ctrl-C or SIGINT, 129 for SIGHUP, 143 for SIGTERM, undefined for q or the
 * feed's end.
 */
export async function showFeed(
  feed: TuiFeed,
  onCommand: (command: TuiCommand) => void,
  io: CliIO,
  terminal: Terminal | undefined,
): Promise<number | undefined> {
  if (terminal === undefined) {
    const plain = followPlain(feed, (line) => io.stdout.write(line));
    try {
      await plain.done;
    } finally {
      plain.stop();
    }
    return undefined;
  }
  const { renderTui } = await import("../../../tui/render-tui.js");
  const { colorWanted } = await import("../../../tui/theme.js");
  const abort = new AbortController();
  let received: keyof typeof SIGNAL_STATUS | undefined;
  const stop = (signal: keyof typeof SIGNAL_STATUS) => {
    received ??= signal;
    abort.abort();
  };
  const signals = Object.keys(SIGNAL_STATUS) as (keyof typeof SIGNAL_STATUS)[];
  for (const signal of signals) process.on(signal, stop);
  try {
    const ending = await renderTui(feed, onCommand, {
      stdin: terminal.stdin,
      stdout: terminal.stdout,
      stderr: terminal.stderr,
      color: colorWanted(io.env),
      signal: abort.signal,
      everyFrame: terminal.everyFrame ?? false,
    });
    if (received !== undefined) return SIGNAL_STATUS[received];
    return ending === "interrupt" ? SIGNAL_STATUS.SIGINT : undefined;
  } finally {
    for (const signal of signals) process.off(signal, stop);
  }
}
