import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLiveCommand } from "../../src/cli/commands/live.js";
import { main } from "../../src/cli/main.js";
import { FakeHostFs } from "../helpers/fake-host-fs.js";
import { fakeIO } from "../helpers/fake-io.js";
import { fakeTerminal } from "../helpers/fake-terminal.js";
import { FIXTURES, FixtureRunner } from "../helpers/fixture-runner.js";

/** ink renders on a timer; a machine shared with other jobs can be slow to get there. */
const WAIT = { timeout: 10_000 };

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "tt-state-"));
  temps.push(dir);
  return dir;
}

describe("twintune live plan --tui / live apply --tui (read-only views)", () => {
  it("plan --tui on a terminal: the proposed changes and the metrics; r is refused; q ends it, nothing written", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    const { stdin, terminal, screen } = fakeTerminal();
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true, terminal });
    const args = ["plan", "--tui", "--interval", "1", "--workload", "sequential", "--state-dir", temp()];
    const done = live.run(args, fakeIO());
    await vi.waitFor(() => expect(screen()).toContain("History · 3 events"), WAIT);
    const text = screen();
    expect(text).toMatch(/twintune · live plan · smt-numa-example +done/);
    expect(text).toContain("no convergence to chart");
    expect(text).toMatch(/CPU util +\d+\.\d% +n\/a/);
    expect(text).toMatch(/io tuner +planned +0m read-ahead-kb s/);
    expect(text).toMatch(/0m io tuner +plan +read-ahead-kb sda 128 → 4096/);
    stdin.press("r");
    await vi.waitFor(() => expect(screen()).toContain("read-only view of a live plan"), WAIT);
    stdin.press("q");
    expect(await done).toBe(0);
    expect(fs.writes).toEqual([]);
  });

  it("plan --tui on a pipe prints the plain log instead; --tui and --json do not go together", async () => {
    const io = fakeIO();
    const live = createLiveCommand({ runner: new FixtureRunner("numa-2node-smt") });
    const args = [
      "plan",
      "--tui",
      "--root",
      join(FIXTURES, "numa-2node-smt"),
      "--interval",
      "1",
      "--state-dir",
      temp(),
    ];
    expect(await live.run([...args, "--workload", "sequential"], io)).toBe(0);
    expect(io.out()).toMatch(/^twintune live plan: smt-numa-example\nnow: cpu util [\d.]+%, memory util [\d.]+%\n/);
    expect(io.out()).toMatch(
      /\n +0m {3}io tuner plan read-ahead-kb sda 128 → 4096: sda serves sequential streams \(as told\)/,
    );
    expect(io.out()).toMatch(/\ndone\nShadow mode: nothing was written\./);
    const both = fakeIO();
    expect(await main(["live", "plan", "--tui", "--json"], both)).toBe(2);
    expect(both.err()).toMatch(/^twintune: --tui and --json do not go together\n/);
  });

  it("apply --yes --tui shows what was written (read back) and the metrics before and after", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    const { stdin, terminal, screen } = fakeTerminal();
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true, terminal });
    const io = fakeIO();
    const args = [
      "apply",
      "--yes",
      "--tui",
      "--interval",
      "1",
      "--set",
      "read-ahead-kb@sdb=1024",
      "--state-dir",
      temp(),
    ];
    const done = live.run(args, io);
    await vi.waitFor(() => expect(screen()).toContain("History · 1 event"), WAIT);
    expect(screen()).toMatch(/command line +applied +0m read-ahead-kb sdb 128 → 1024/);
    expect(screen()).toMatch(/0m command line +apply +read-ahead-kb sdb 128 → 1024/);
    stdin.press("q");
    expect(await done).toBe(0);
    expect(await fs.readText("/sys/block/sdb/queue/read_ahead_kb")).toBe("1024\n");
    // Back on the shell's screen, the usual record of what was written.
    expect(io.out()).toMatch(/read-ahead-kb +sdb +128 +1024/);
    expect(io.out()).toMatch(/They stay in effect/);
  });

  it("apply --yes --revert-on-exit --tui restores the originals when the view is quit", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "kvm-2cpu"));
    const before = fs.snapshot();
    const { stdin, terminal, screen } = fakeTerminal();
    const live = createLiveCommand({ fs, runner: new FixtureRunner("kvm-2cpu"), isRoot: true, terminal });
    const io = fakeIO();
    const args = ["apply", "--yes", "--revert-on-exit", "--tui", "--interval", "1", "--set", "somaxconn=8192"];
    const done = live.run([...args, "--state-dir", temp()], io);
    await vi.waitFor(() => expect(screen()).toContain("somaxconn host 4096 → 8192"), WAIT);
    expect(await fs.readText("/proc/sys/net/core/somaxconn")).toBe("8192\n");
    stdin.press("q");
    expect(await done).toBe(0);
    expect(io.out()).toMatch(/quit: restored 1 of 1 change/);
    expect(fs.snapshot()).toEqual(before);
  });

  it("apply --yes --revert-on-exit --tui: a hangup in the metrics window before the screen is up restores, as one later does", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "kvm-2cpu"));
    const before = fs.snapshot();
    const { terminal } = fakeTerminal();
    const live = createLiveCommand({ fs, runner: new FixtureRunner("kvm-2cpu"), isRoot: true, terminal });
    const io = fakeIO();
    const args = ["apply", "--yes", "--revert-on-exit", "--tui", "--interval", "1500", "--set", "somaxconn=8192"];
    const done = live.run([...args, "--state-dir", temp()], io);
    // Written, and the after-window running: the screen's own keys and handlers are not up yet.
    await vi.waitFor(async () => expect(await fs.readText("/proc/sys/net/core/somaxconn")).toBe("8192\n"), WAIT);
    expect(process.listenerCount("SIGHUP")).toBeGreaterThan(0); // caught, not left to kill the run
    process.emit("SIGHUP", "SIGHUP");
    expect(await done).toBe(0);
    expect(io.err()).toMatch(
      /SIGHUP: ending once the metrics window \(--interval\) is over, then restoring the originals/,
    );
    expect(io.out()).toMatch(/SIGHUP: restored 1 of 1 change/);
    expect(fs.snapshot()).toEqual(before);
  });
});
