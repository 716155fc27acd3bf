import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { CommandResult, CommandRunner } from "../../live/command-runner.js";

/** The fixture trees captured from hosts (scripts/capture-live-fixture.sh) and made by hand. */
export const FIXTURES = join(import.meta.dirname, "..", "fixtures", "live");

/**
 * A CommandRunner answering from a fixture's commands/ directory (getconf -a, ethtool -g/-k
 * captured on the host) and emulating ring changes, so NIC knobs can be tested without a NIC.
 */
export class FixtureRunner implements CommandRunner {
  readonly calls: string[][] = [];
  private readonly rings = new Map<string, { rx: number; tx: number }>();

  constructor(
    private readonly fixture: string,
    private readonly programs: ReadonlySet<string> = new Set(["getconf", "ethtool"]),
  ) {}

  async has(program: string): Promise<boolean> {
    return this.programs.has(program);
  }

  private async file(name: string): Promise<string | undefined> {
    return readFile(join(FIXTURES, this.fixture, "commands", name), "utf8").catch(() => undefined);
  }

  async run(program: string, args: readonly string[]): Promise<CommandResult> {
    this.calls.push([program, ...args]);
    if (!this.programs.has(program)) return { code: null, stdout: "", stderr: `spawn ${program} ENOENT` };
    if (program === "getconf") {
      const text = await this.file("getconf-a.txt");
      return text === undefined ? { code: 1, stdout: "", stderr: "no" } : { code: 0, stdout: text, stderr: "" };
    }
    if (program === "ethtool" && (args[0] === "-g" || args[0] === "-k")) {
      let text = await this.file(`ethtool-${args[0].slice(1)}-${args[1]}.txt`);
      if (text === undefined || /error|not supported/i.test(text))
        return { code: 1, stdout: "", stderr: text ?? "No such device" };
      const set = this.rings.get(args[1] as string);
      if (args[0] === "-g" && set) {
        const [maxPart, currentPart] = text.split("Current hardware settings:") as [string, string];
        text = `${maxPart}Current hardware settings:${currentPart.replace(/^RX:\s+\d+/m, `RX:\t\t${set.rx}`).replace(/^TX:\s+\d+/m, `TX:\t\t${set.tx}`)}`;
      }
      return { code: 0, stdout: text, stderr: "" };
    }
    if (program === "ethtool" && args[0] === "-G") {
      this.rings.set(args[1] as string, { rx: Number(args[3]), tx: Number(args[5]) });
      return { code: 0, stdout: "", stderr: "" };
    }
    return { code: 1, stdout: "", stderr: `${program}: not emulated` };
  }
}
