import { spawn } from "node:child_process";

/** A problem running an external tool (missing, refused, failed): a user-facing message, no stack needed. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * How a program run for the user talks: "terminal", to this process's stdin, stdout and stderr;
 * "stdout-to-stderr", the same but its stdout on our stderr, so that our own stdout carries only
 * what we print (`twintune profile --json -- app` stays one JSON document).
 */
export type PassThrough = "terminal" | "stdout-to-stderr";

/**
 * Runs `command` to completion. Output is collected unless `inherit` says where it goes. A
 * missing program is a ToolError naming `installHint`.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: {
    inherit?: PassThrough;
    installHint?: string;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Aborting it stops the program with SIGINT (perf then writes what it has and exits). */
    signal?: AbortSignal;
  } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const stdio =
      options.inherit === undefined
        ? (["ignore", "pipe", "pipe"] as const)
        : (["inherit", options.inherit === "terminal" ? "inherit" : 2, "inherit"] as const);
    const child = spawn(command, args, {
      stdio: [...stdio],
      env: options.env ?? process.env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.signal === undefined ? {} : { signal: options.signal, killSignal: "SIGINT" as const }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.name === "AbortError") return; // stopped on purpose: "close" reports how it ended
      if (error.code === "ENOENT") {
        reject(new ToolError(`'${command}' was not found${options.installHint ? ` (${options.installHint})` : ""}`));
      } else reject(new ToolError(`could not run '${command}': ${error.message}`));
    });
    child.on("close", (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

/** The last meaningful line of a tool's stderr, for an error message. */
export function lastLine(text: string): string {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("[ perf record:"));
  return lines[lines.length - 1] ?? "no message";
}
