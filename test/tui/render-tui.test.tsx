import { describe, expect, it, vi } from "vitest";
import type { TuiCommand } from "../../tui/feed.js";
import { renderTui } from "../../tui/render-tui.js";
import { UpdateLog } from "../../tui/update-log.js";
import { FakeStdin, FakeStdout, stripAnsi } from "../helpers/fake-terminal.js";
import { TWIN_INFO, twinRun } from "./feed-fixture.js";

/** ink renders on a timer; a machine shared with other jobs can be slow to get there. */
const WAIT = { timeout: 10_000 };

function feed(): UpdateLog {
  const log = new UpdateLog(TWIN_INFO);
  for (const update of twinRun()) log.push(update);
  return log;
}

function terminal() {
  const stdout = new FakeStdout(80, 24);
  const stdin = new FakeStdin();
  return {
    stdout,
    stdin,
    streams: {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
    },
  };
}

describe("renderTui (the full-screen entry point)", () => {
  it("draws on the alternate screen in raw mode, and q gives the terminal back as it was", async () => {
    const { stdout, stdin, streams } = terminal();
    const commands: TuiCommand[] = [];
    const done = renderTui(feed(), (command) => commands.push(command), { ...streams, color: false, everyFrame: true });
    await vi.waitFor(() => expect(stripAnsi(stdout.output())).toContain("History · 8 events"), WAIT);
    expect(stdout.frames[0]).toBe("\u001b[?1049h\u001b[H");
    expect(stdin.rawMode).toBe(true);
    stdin.press("q");
    expect(await done).toBe("quit");
    expect(commands).toEqual(["quit"]);
    expect(stdin.rawMode).toBe(false);
    expect(stdout.output().endsWith("\u001b[?1049l")).toBe(true);
  });

  it("Ctrl-C quits too, and says it was an interrupt (the command exits 130)", async () => {
    const { stdout, stdin, streams } = terminal();
    const commands: TuiCommand[] = [];
    const done = renderTui(feed(), (command) => commands.push(command), { ...streams, color: false, everyFrame: true });
    await vi.waitFor(() => expect(stripAnsi(stdout.output())).toContain("History"), WAIT);
    stdin.press("\u0003");
    expect(await done).toBe("interrupt");
    expect(commands).toEqual(["interrupt"]);
    expect(stdin.rawMode).toBe(false);
  });

  it("a signal ends it the same way (the composition root aborts on SIGTERM, SIGHUP, SIGINT)", async () => {
    const { stdout, stdin, streams } = terminal();
    const abort = new AbortController();
    const done = renderTui(feed(), () => {}, { ...streams, color: false, signal: abort.signal, everyFrame: true });
    await vi.waitFor(() => expect(stripAnsi(stdout.output())).toContain("History"), WAIT);
    abort.abort();
    await done;
    expect(stdin.rawMode).toBe(false);
    expect(stdout.output().endsWith("\u001b[?1049l")).toBe(true);
  });
});
