import type { CliIO } from "../../src/cli/io.js";

/** A CliIO that captures what a command writes. */
export function fakeIO(env: Record<string, string> = {}): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env,
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}
