import { render } from "ink";
import { App } from "./components/app.js";
import type { TuiCommand, TuiFeed } from "./feed.js";
import { makeTheme, ThemeContext } from "./theme.js";

export interface TuiStreams {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
}

/** Switches to the terminal's alternate screen (the shell's screen comes back on exit), cursor hidden. */
const ENTER = "\u001b[?1049h\u001b[H";
const LEAVE = "\u001b[?1049l";

/**
 * Shows the feed full-screen until the operator quits (q or Ctrl-C), then restores the terminal:
 * raw mode off, cursor shown, the shell's screen back. Commands go to `onCommand`; "quit" or
 * "interrupt" (Ctrl-C) comes last. Resolves once the terminal is restored (also when `signal`
 * aborts), with "interrupt" when the operator pressed Ctrl-C, else "quit".
 */
export async function renderTui(
  feed: TuiFeed,
  onCommand: (command: TuiCommand) => void,
  options: TuiStreams & {
    color: boolean;
    alternateScreen?: boolean;
    signal?: AbortSignal;
    /** Write every frame whole (tests: when ink thinks it runs in CI it writes only the last one, as its readme says under "CI"). */
    everyFrame?: boolean;
  },
): Promise<"quit" | "interrupt"> {
  let ending: "quit" | "interrupt" = "quit";
  const forward = (command: TuiCommand) => {
    if (command === "interrupt") ending = "interrupt";
    onCommand(command);
  };
  const alternate = options.alternateScreen ?? true;
  if (alternate) options.stdout.write(ENTER);
  const instance = render(
    <ThemeContext.Provider value={makeTheme(options.color)}>
      <App feed={feed} onCommand={forward} />
    </ThemeContext.Provider>,
    {
      stdout: options.stdout,
      stdin: options.stdin,
      stderr: options.stderr,
      exitOnCtrlC: false,
      patchConsole: false,
      debug: options.everyFrame ?? false,
    },
  );
  // A signal (SIGTERM, SIGHUP) ends the view the way q does, so the terminal is restored.
  const stop = () => instance.unmount();
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    await instance.waitUntilExit();
  } finally {
    options.signal?.removeEventListener("abort", stop);
    instance.cleanup();
    if (alternate) options.stdout.write(LEAVE);
  }
  return ending;
}
