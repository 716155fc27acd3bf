import { execFile } from "node:child_process";
import { canRun } from "../src/program-path.js";

export interface CommandResult {
  /** Exit status; null when the program could not be started or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the programs the live backend needs where Node has no system call of its own (taskset,
 * ethtool, migratepages, nsenter). No shell: arguments are passed as they are.
 */
export interface CommandRunner {
  run(program: string, args: readonly string[]): Promise<CommandResult>;
  /** Whether `program` is on the PATH (ethtool, migratepages are optional). */
  has(program: string): Promise<boolean>;
}

export class ProcessRunner implements CommandRunner {
  constructor(
    private readonly env: Record<string, string | undefined> = process.env,
    private readonly timeoutMs = 30_000,
  ) {}

  run(program: string, args: readonly string[]): Promise<CommandResult> {
    return new Promise((resolve) => {
      execFile(
        program,
        [...args],
        { encoding: "utf8", timeout: this.timeoutMs, env: { ...this.env, LC_ALL: "C" }, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error === null) return resolve({ code: 0, stdout, stderr });
          const code = typeof error.code === "number" ? error.code : null;
          resolve({ code, stdout, stderr: stderr || error.message });
        },
      );
    });
  }

  async has(program: string): Promise<boolean> {
    return canRun(program, this.env.PATH);
  }
}

/**
 * For a captured host tree (--root): the programs act on the real host (taskset on a real pid,
 * ethtool on a real NIC, getconf on this CPU), not on the tree, so none is run and the knobs and
 * facts that need one are simply not offered there.
 */
export class NoProgramsRunner implements CommandRunner {
  constructor(private readonly root: string) {}

  async run(program: string): Promise<CommandResult> {
    return {
      code: null,
      stdout: "",
      stderr: `${program} is not run for the host tree ${this.root}: it would act on this host`,
    };
  }

  async has(): Promise<boolean> {
    return false;
  }
}
