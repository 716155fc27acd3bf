import { execFileSync, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { fakeIO } from "../helpers/fake-io.js";

describe("twintune CLI", () => {
  it("--help lists the commands that exist, with examples", async () => {
    const io = fakeIO();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: twintune <command>/);
    expect(io.out()).toMatch(/validate\s+check the twin/);
    expect(io.err()).toBe("");
  });

  it("--version prints the package version", async () => {
    const io = fakeIO();
    expect(await main(["--version"], io)).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("an unknown command or flag prints one line and a hint to stderr and exits 2", async () => {
    for (const argv of [
      ["frobnicate"],
      ["--frobnicate"],
      ["validate", "--nope"],
      ["validate", "extra"],
      ["validate", "--seed", "x"],
    ]) {
      const io = fakeIO();
      expect(await main(argv, io)).toBe(2);
      const lines = io.err().trimEnd().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^twintune: /);
      expect(lines[1]).toMatch(/^Run 'twintune.*--help'/);
      expect(io.out()).toBe("");
    }
  });

  it("suggests the command a typo meant", async () => {
    const io = fakeIO();
    await main(["valdate"], io);
    expect(io.err()).toMatch(/did you mean 'validate'/);
  });

  it("a value option given twice is a usage error naming both values, not the last one kept", async () => {
    const io = fakeIO();
    expect(await main(["run", "--seed", "7", "--no-report", "--seed=9"], io)).toBe(2);
    expect(io.err()).toBe(
      "twintune: --seed is given twice ('7' and '9') for 'twintune run': give it once\nRun 'twintune run --help' for its options.\n",
    );
  });

  it("a command's --help prints its usage", async () => {
    const io = fakeIO();
    expect(await main(["validate", "--help"], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: twintune validate/);
  });

  it("the installed executable runs from any directory and never prints a stack trace for a user mistake", () => {
    const bin = join(import.meta.dirname, "..", "..", "bin", "twintune.js");
    expect(execFileSync(process.execPath, [bin, "--version"], { cwd: "/", encoding: "utf8" })).toMatch(
      /^\d+\.\d+\.\d+/,
    );
    const bad = spawnSync(process.execPath, [bin, "nope"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("stops quietly when the reader of its output goes away (twintune ... | head -1)", async () => {
    const bin = join(import.meta.dirname, "..", "..", "bin", "twintune.js");
    const child = spawn(process.execPath, [bin, "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    // The reader is gone before node has started: the help text meets a closed pipe (EPIPE),
    // which must end the program as SIGPIPE would, not with a stack trace.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(141);
  });
});
