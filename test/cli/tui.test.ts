import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { fakeIO } from "../helpers/fake-io.js";

const FIXTURE = new URL("../fixtures/scenarios/tui-host.yaml", import.meta.url).pathname;

describe("twintune tui", () => {
  it("on a stdout that is not a terminal prints a plain progress log of the run (the tuning in a worker thread)", async () => {
    const io = fakeIO();
    expect(await main(["tui", FIXTURE], io)).toBe(0);
    const out = io.out();
    expect(out).toMatch(/^twintune: tuning tui-host on the twin \(10 simulated minutes at most, at full speed\)\n/);
    expect(out).toMatch(
      /\n +5m {3}numa apply cpu-affinity web 0-15 → 0-7: web: 50% of memory accesses go to a remote node/,
    );
    expect(out).toMatch(/\n +5m {3}window 0m-5m: \+0\.0%\n/);
    expect(out).toMatch(/\n +10m {3}numa (keep|revert) cpu-affinity web 0-15 → 0-7 [+-]\d+\.\d%: /);
    expect(out).toMatch(/\nfinished: (not converged in 10 simulated minutes|converged at \d+m); throughput [▲▼=] /);
    expect(out).toMatch(
      /; before\/after: the initial and the tuned configuration on the same 2-minute window, same seed\n$/,
    );
    // No escape sequences in a log meant for files and pipes.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escapes
    expect(out).not.toMatch(/\u001b\[/);
    expect(io.err()).toBe("");
  }, 120_000);

  it("refuses a speed it does not offer, and a missing scenario, with one line each", async () => {
    const speed = fakeIO();
    expect(await main(["tui", FIXTURE, "--speed", "3"], speed)).toBe(2);
    expect(speed.err()).toMatch(/^twintune: --speed expects one of 0\.25, 0\.5, 1, 2, 5, 10, 30, 60 or max, got '3'\n/);
    const missing = fakeIO();
    expect(await main(["tui", "no-such-scenario.yaml"], missing)).toBe(1);
    expect(missing.err()).toMatch(/^twintune: .*no-such-scenario\.yaml/);
    expect(missing.err().trim().split("\n")).toHaveLength(1);
  });

  it("refuses a fleet scenario (fluid mode), which it cannot show, and points at 'twintune run'", async () => {
    const fleet = new URL("../fixtures/scenarios/tiny-fleet.yaml", import.meta.url).pathname;
    for (const args of [
      ["tui", fleet],
      ["run", fleet, "--tui"],
    ]) {
      const io = fakeIO();
      expect(await main(args, io)).toBe(1);
      expect(io.err()).toMatch(
        /tiny-fleet is a fleet scenario: it runs in the fluid mode .*run it with 'twintune run /,
      );
      expect(io.out()).toBe("");
    }
  });

  it("is also 'twintune run --tui', which does not combine with --json", async () => {
    const io = fakeIO();
    expect(await main(["run", FIXTURE, "--tui", "--json"], io)).toBe(2);
    expect(io.err()).toMatch(/^twintune: --tui and --json do not go together\n/);
    const help = fakeIO();
    expect(await main(["run", "--help"], help)).toBe(0);
    expect(help.out()).toContain("--tui              watch the run full screen instead");
    const tuiHelp = fakeIO();
    expect(await main(["tui", "--help"], tuiHelp)).toBe(0);
    expect(tuiHelp.out()).toMatch(/^Usage: twintune tui \[SCENARIO\] \[--seed N\] \[--speed S\]/);
    expect(tuiHelp.out()).toContain("q quit, restoring the terminal (Ctrl-C too, with exit status 130)");
  });
});
