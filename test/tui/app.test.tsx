import { render as inkRender } from "ink";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../../tui/components/app.js";
import type { FeedInfo, FeedUpdate, TuiCommand } from "../../tui/feed.js";
import { makeTheme, ThemeContext } from "../../tui/theme.js";
import { UpdateLog } from "../../tui/update-log.js";
import { FakeStdin, FakeStdout, KEYS, stripAnsi } from "../helpers/fake-terminal.js";
import { event, TWIN_INFO, twinRun } from "./feed-fixture.js";

/** ink renders on a timer; a machine shared with other jobs can be slow to get there. */
const WAIT = { timeout: 10_000 };

// Colors are forced on for chalk (ink's colorizer) before ink loads, so a test can tell a red
// rollback from a plain one, and that the NO_COLOR theme adds no color at all (under CI, chalk
// would otherwise detect no color support).
vi.hoisted(() => {
  process.env.FORCE_COLOR = "1";
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function feedOf(updates: readonly FeedUpdate[], info: FeedInfo = TWIN_INFO): UpdateLog {
  const log = new UpdateLog(info);
  for (const update of updates) log.push(update);
  return log;
}

function show(feed: UpdateLog, colored = false, onCommand: (command: TuiCommand) => void = () => {}) {
  const instance = render(
    <ThemeContext.Provider value={makeTheme(colored)}>
      <App feed={feed} onCommand={onCommand} />
    </ThemeContext.Provider>,
  );
  cleanups.push(() => instance.unmount());
  return instance;
}

const screen = (instance: { lastFrame: () => string | undefined }) => stripAnsi(instance.lastFrame() ?? "");

describe("the terminal UI at given events", () => {
  it("shows the chart, the metrics with arrows, each component's state and the history", async () => {
    const instance = show(feedOf(twinRun()));
    await vi.waitFor(() => expect(screen(instance)).toContain("converged at 25m"), WAIT);
    const text = screen(instance);
    // Header: where the run is.
    expect(text).toMatch(/twintune · seed-fleet on the twin +25m of 40m · 2 min\/s · converged at 25m · finishing/);
    // Chart: its title, zero line, threshold and the converged marker on the axis.
    expect(text).toContain("Improvement per 5m window · ┈ ±1% · ◆ converged at 25m");
    expect(text).toMatch(/ {4}0%┼━/);
    expect(text).toMatch(/ {3}\+1%│.*┈/);
    expect(text).toMatch(/└0 .*◆.*40m/);
    // Metrics: now against the baseline, with the direction.
    expect(text).toMatch(/Throughput +2,500\/s +2,000\/s +▲ \+25%/);
    expect(text).toMatch(/P95 latency +14\.0 ms +20\.0 ms +▼ -30%/);
    expect(text).toMatch(/CPU util +65\.0% +80\.0% +▼ -19%/);
    expect(text).toMatch(/Memory util +60\.0% +60\.0% += 0%/);
    expect(text).toMatch(/Monthly cost +\$730 +\$730 += 0%/);
    // Components: verdicts and last changes.
    expect(text).toMatch(/numa +kept +5m memory-policy web-1 default → bind:0 +kept 2 · reverted 0/);
    expect(text).toMatch(/cpu-pinning +idle +- /);
    expect(text).toMatch(/io +rolled back +15m io-scheduler sda mq-deadline → bfq +kept 0 · reverted 1/);
    expect(text).toMatch(/network +kept +15m tcp-rmem host/);
    // History: the newest entries, the rollback marked.
    expect(text).toContain("History · 8 events · 1 rolled back");
    expect(text).toMatch(/↺ +15m io +revert +io-scheduler sda mq-deadline → bfq +-14\.0% ✗/);
    expect(text).toMatch(/ +25m network +keep +tcp-rmem host +\+1\.0% ✓/);
    expect(text).toContain("space pause  +/- speed  ↑↓ scroll  r revert last  q quit");
  });

  it("shows components validating while their changes are judged, and frozen when held", async () => {
    const updates = twinRun();
    const beforeVerdicts = updates.slice(
      0,
      updates.findIndex((u) => u.type === "event" && u.event.action === "keep"),
    );
    const feed = feedOf(beforeVerdicts);
    const instance = show(feed);
    await vi.waitFor(() => expect(screen(instance)).toMatch(/numa +validating 2 +5m memory-policy/), WAIT);
    expect(screen(instance)).toMatch(/io +validating +5m io-scheduler sda/);
    expect(screen(instance)).toMatch(/Throughput +2,400\/s +2,000\/s +▲ \+20%/);
    // The feed goes on while the screen is up.
    feed.push(
      event(16, "numa", "freeze", { knob: "cpu-affinity", target: "web-1" }, { reason: "reverted by the operator" }),
    );
    await vi.waitFor(() => expect(screen(instance)).toMatch(/numa +frozen /), WAIT);
    expect(screen(instance)).toMatch(/! +16m numa +freeze +cpu-affinity web-1/);
  });

  it("highlights rollbacks in red and colors improvements; the NO_COLOR theme adds no color at all", async () => {
    const colored = show(feedOf(twinRun()), true);
    await vi.waitFor(() => expect(screen(colored)).toContain("converged at 25m"), WAIT);
    const frame = colored.lastFrame() ?? "";
    const rollbackLine = frame.split("\n").find((line) => stripAnsi(line).includes("revert  io-scheduler"));
    expect(rollbackLine).toContain("\u001b[31m"); // red
    expect(frame.split("\n").find((line) => stripAnsi(line).includes("Throughput"))).toContain("\u001b[32m"); // green ▲
    const plain = show(feedOf(twinRun()), false);
    await vi.waitFor(() => expect(screen(plain)).toContain("converged at 25m"), WAIT);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for color escapes
    expect(plain.lastFrame()).not.toMatch(/\u001b\[(3\d|4\d|9\d)(;\d+)*m/);
    // Meaning does not rest on color: the marker and the words are there.
    expect(screen(plain)).toMatch(/↺ +15m io +revert/);
  });

  it("sends the keys' commands: space, + and -, r; q quits", async () => {
    const commands: TuiCommand[] = [];
    const instance = show(feedOf(twinRun()), false, (command) => commands.push(command));
    await vi.waitFor(() => expect(screen(instance)).toContain("History"), WAIT);
    for (const key of [" ", "+", "-", "r"]) instance.stdin.write(key);
    await vi.waitFor(() => expect(commands).toEqual(["toggle-pause", "faster", "slower", "revert-last"]), WAIT);
    instance.stdin.write("q");
    await vi.waitFor(() => expect(commands.at(-1)).toBe("quit"), WAIT);
  });

  it("keys that arrive together (typed fast, or pasted) each count, up to a q", async () => {
    const commands: TuiCommand[] = [];
    const instance = show(feedOf(twinRun()), false, (command) => commands.push(command));
    await vi.waitFor(() => expect(screen(instance)).toContain("History"), WAIT);
    instance.stdin.write("++ r");
    await vi.waitFor(() => expect(commands).toEqual(["faster", "faster", "toggle-pause", "revert-last"]), WAIT);
    instance.stdin.write("-q+");
    await vi.waitFor(() => expect(commands.slice(4)).toEqual(["slower", "quit"]), WAIT);
  });

  it("Ctrl-C quits like q, as an interrupt", async () => {
    const commands: TuiCommand[] = [];
    const instance = show(feedOf(twinRun()), false, (command) => commands.push(command));
    await vi.waitFor(() => expect(screen(instance)).toContain("History"), WAIT);
    instance.stdin.write(KEYS.ctrlC);
    await vi.waitFor(() => expect(commands).toEqual(["interrupt"]), WAIT);
  });

  it("scrolls the history with the arrows and follows it again with End", async () => {
    const updates: FeedUpdate[] = [{ type: "started", startTime: 0 }];
    for (let i = 1; i <= 30; i++) updates.push(event(i, "io", "skip", { knob: "read-ahead-kb", target: `disk${i}` }));
    const feed = feedOf(updates);
    const instance = show(feed);
    await vi.waitFor(() => expect(screen(instance)).toContain("read-ahead-kb disk30"), WAIT);
    for (let i = 0; i < 5; i++) instance.stdin.write(KEYS.up);
    await vi.waitFor(() => expect(screen(instance)).toContain("↓ 5 newer"), WAIT);
    expect(screen(instance)).not.toContain("disk30");
    expect(screen(instance)).toContain("disk25");
    // Scrolled back, new entries do not move the window.
    feed.push(event(31, "io", "skip", { knob: "read-ahead-kb", target: "disk31" }));
    await vi.waitFor(() => expect(screen(instance)).toContain("↓ 6 newer"), WAIT);
    expect(screen(instance)).toContain("disk25");
    instance.stdin.write(KEYS.end);
    await vi.waitFor(() => expect(screen(instance)).toContain("disk31"), WAIT);
    expect(screen(instance)).not.toContain("newer");
  });

  it("on a live view, pause, speed and revert are refused with a word, not sent", async () => {
    const info: FeedInfo = {
      title: "host-1",
      mode: "live plan",
      components: ["built-in io rules"],
      validates: false,
      controls: { pause: false, speed: false, revert: false },
    };
    const commands: TuiCommand[] = [];
    const instance = show(
      feedOf(
        [event(0, "built-in io rules", "plan", { knob: "io-scheduler", target: "sda" }, { from: "bfq", to: "none" })],
        info,
      ),
      false,
      (command) => commands.push(command),
    );
    await vi.waitFor(
      () => expect(screen(instance)).toMatch(/built-in io rules +planned +0m io-scheduler sda bfq → none/),
      WAIT,
    );
    expect(screen(instance)).toContain("↑↓ scroll  q quit");
    expect(screen(instance)).not.toContain("r revert");
    expect(screen(instance)).toContain("no convergence to chart");
    instance.stdin.write("r");
    await vi.waitFor(() => expect(screen(instance)).toContain("read-only view of a live plan"), WAIT);
    expect(commands).toEqual([]);
  });
});

describe("the screen's size", () => {
  function mount(columns: number, rows: number, feed: UpdateLog) {
    const stdout = new FakeStdout(columns, rows);
    const stdin = new FakeStdin();
    const instance = inkRender(
      <ThemeContext.Provider value={makeTheme(false)}>
        <App feed={feed} onCommand={() => {}} />
      </ThemeContext.Provider>,
      {
        stdout: stdout as unknown as NodeJS.WriteStream,
        stdin: stdin as unknown as NodeJS.ReadStream,
        debug: true,
        exitOnCtrlC: false,
        patchConsole: false,
      },
    );
    cleanups.push(() => instance.unmount());
    return stdout;
  }

  const manyEvents = (): FeedUpdate[] => {
    const updates = twinRun();
    for (let i = 0; i < 40; i++) updates.push(event(30 + i, "io", "skip", { knob: "nr-requests", target: `sd${i}` }));
    return updates;
  };

  it("fits 80 × 24: no line wider than 80, one line less than the terminal", async () => {
    const stdout = mount(80, 24, feedOf(manyEvents()));
    await vi.waitFor(() => expect(stripAnsi(stdout.lastFrame())).toContain("History"), WAIT);
    const lines = stripAnsi(stdout.lastFrame()).replace(/\n$/, "").split("\n");
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(lines.at(-1)).toContain("q quit");
  });

  it("at 60 × 15 every part keeps its title and the footer stays, components marked as left out", async () => {
    const stdout = mount(60, 15, feedOf(manyEvents()));
    await vi.waitFor(() => expect(stripAnsi(stdout.lastFrame())).toContain("nr-requests sd39"), WAIT);
    const frame = stripAnsi(stdout.lastFrame());
    const lines = frame.replace(/\n$/, "").split("\n");
    expect(lines.length).toBeLessThanOrEqual(14);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
    expect(frame).toMatch(/Components \(\d+ more\)/);
    expect(frame).toContain("Monthly cost");
    expect(lines.at(-1)).toContain("q quit");
  });

  it("a terminal too small for the view gets a notice, not a view with rows cut off", async () => {
    const stdout = mount(80, 24, feedOf(manyEvents()));
    await vi.waitFor(() => expect(stripAnsi(stdout.lastFrame())).toContain("History"), WAIT);
    stdout.resize(50, 10);
    await vi.waitFor(
      () =>
        expect(stripAnsi(stdout.lastFrame()).replace(/\s+/g, " ").trim()).toBe(
          "twintune: a 50x10 terminal is too small for the view (it needs 60x15); q quits",
        ),
      WAIT,
    );
    stdout.resize(80, 24);
    await vi.waitFor(() => expect(stripAnsi(stdout.lastFrame())).toContain("History"), WAIT);
  });

  it("grows with the terminal: a taller chart, more history, and the reasons when wide", async () => {
    const stdout = mount(80, 24, feedOf(manyEvents()));
    await vi.waitFor(() => expect(stripAnsi(stdout.lastFrame())).toContain("History"), WAIT);
    const count = (frame: string) =>
      stripAnsi(frame)
        .split("\n")
        .filter((line) => / nr-requests sd\d+/.test(line)).length;
    const small = count(stdout.lastFrame());
    stdout.resize(140, 40);
    await vi.waitFor(() => expect(count(stdout.lastFrame())).toBeGreaterThan(small), WAIT);
    const lines = stripAnsi(stdout.lastFrame()).replace(/\n$/, "").split("\n");
    expect(lines.length).toBeLessThanOrEqual(39);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(140);
    expect(stripAnsi(stdout.lastFrame())).toContain("skip nr-requests"); // the reason column
  });
});
