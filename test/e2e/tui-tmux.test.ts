import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliArgs } from "../helpers/spawn-cli.js";

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const SOCKET = `twintune-e2e-${process.pid}`;
const SEED_FLEET = join(import.meta.dirname, "..", "..", "scenarios", "seed-fleet.yaml");
const dir = mkdtempSync(join(tmpdir(), "tt-tmux-"));

const tmux = (...args: string[]) => execFileSync("tmux", ["-u", "-L", SOCKET, ...args], { encoding: "utf8" });
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
const screen = () => tmux("capture-pane", "-p", "-t", "tui");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(() => {
  if (hasTmux) spawnSync("tmux", ["-L", SOCKET, "kill-server"]);
  rmSync(dir, { recursive: true, force: true });
});

describe("twintune tui in a real terminal (tmux)", () => {
  it.skipIf(!hasTmux)(
    `runs seed-fleet at max speed until the screen says converged (or finished, not converged), then q exits 0${hasTmux ? "" : " (skipped: tmux missing)"}`,
    async () => {
      // Not in CI mode (ink would draw only its last frame there); an 80 × 24 terminal.
      const program = [process.execPath, ...cliArgs(["tui", SEED_FLEET, "--speed", "max"])].map(quote).join(" ");
      const exitFile = join(dir, "exit");
      const command = `env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${program}; echo $? > ${quote(exitFile)}; sleep 600`;
      tmux("new-session", "-d", "-s", "tui", "-x", "80", "-y", "24", command);

      // The seed-fleet run takes about 80 s of wall time on an idle 2-core machine (the what-if
      // and validation forks); a shared machine can take several times that.
      const minutesSeen = new Set<string>();
      let last = "";
      const deadline = Date.now() + 900_000;
      while (Date.now() < deadline) {
        last = screen();
        const header = last.split("\n")[0] ?? "";
        const at = /(\d+m) of 40m/.exec(header);
        if (at) minutesSeen.add(at[1] as string);
        if (/converged at \d+m|finished · not converged/.test(header)) break;
        await sleep(2_000);
      }
      const header = last.split("\n")[0] ?? "";
      // The screen says how the run ended, whichever it was: converged, or finished without converging.
      expect(header).toMatch(/^twintune · seed-fleet on the twin .*(converged at \d+m|finished · not converged)/);
      // It updated as the run went: several simulated times were on screen.
      expect(minutesSeen.size).toBeGreaterThanOrEqual(2);
      // The chart, the metrics and the history were all on the captured screen.
      expect(last).toMatch(/Improvement per 5m window · ┈ ±1%/);
      expect(last).toMatch(/ {4}0%┼[━─]/);
      expect(last).toMatch(/└0 .*40m/);
      expect(last).toMatch(/Throughput +[\d,]+\/s +[\d,]+\/s/);
      expect(last).toMatch(/P95 latency +[\d.]+ ms +[\d.]+ ms/);
      expect(last).toMatch(/Monthly cost +\$[\d,]+ +\$[\d,]+/);
      expect(last).toMatch(/\nnuma +(validating|kept|rolled back|frozen|not judged|idle)/);
      expect(last).toMatch(/History · \d+ events · \d+ rolled back/);
      expect(last).toMatch(/\n[ ↺!] +\d+m (numa|cpu-pinning|io|network) +(apply|keep|revert|skip|freeze)/);
      expect(last).toMatch(/space pause {2}\+\/- speed {2}↑↓ scroll {2}r revert last {2}q quit/);

      tmux("send-keys", "-t", "tui", "q");
      let exit = "";
      for (let i = 0; i < 60 && exit === ""; i++) {
        await sleep(500);
        try {
          exit = readFileSync(exitFile, "utf8").trim();
        } catch {
          // not yet
        }
      }
      expect(exit).toBe("0");
      // The shell's screen is back, with one line on the run.
      expect(screen()).toMatch(/seed-fleet: (converged at \d+ min|not converged|quit before the run finished)/);
      expect(screen()).not.toContain("History ·");
    },
    1_000_000,
  );
});
