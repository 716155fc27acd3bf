import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseFolded } from "../../src/flamegraph/folded-parser.js";
import { parsePprof } from "../../src/flamegraph/pprof-parser.js";
import { lastLine, runProcess } from "../../src/profiler/run-process.js";
import { fakeIO } from "../helpers/fake-io.js";
import { cliArgs, runCli } from "../helpers/spawn-cli.js";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "twintune-profile-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const APP = `function spinHard(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
spinHard(Number(process.argv[2] ?? 400));
process.exitCode = Number(process.argv[3] ?? 0);
`;

// perf must exist and be allowed to sample (root, or perf_event_paranoid <= 2 for own processes).
const perfProbe = spawnSync("perf", ["stat", "-e", "task-clock", "--", "true"], { encoding: "utf8" });
const noPerf = perfProbe.error !== undefined || perfProbe.status !== 0;
const perfReason =
  perfProbe.error !== undefined ? "perf not installed (apt-get install linux-perf)" : "perf not permitted here";

/** Waits up to 20 s for an entry of `dir` whose name starts with `prefix`. */
async function waitForEntry(dir: string, prefix: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!readdirSync(dir).some((name) => name.startsWith(prefix)) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Sends SIGINT to `child` and resolves with its exit status, 130 when it died of the signal. */
function interrupt(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal === "SIGINT" ? 130 : code)),
  );
  child.kill("SIGINT");
  return exited;
}

describe("twintune profile", () => {
  it("-- node app.js: runs it under V8's sampler, writes folded and pprof, exits with the app's code", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "app.js"), APP);
    const io = { ...fakeIO(), cwd: dir };
    const code = await main(
      ["profile", "--pprof", "app.pb.gz", "-F", "200", "--", process.execPath, "app.js", "400", "3"],
      io,
    );
    expect(code).toBe(3);
    expect(io.err()).toMatch(/wrote profile-app\.js\.us\.folded, app\.pb\.gz: .* microseconds .* \(node --cpu-prof\)/);
    const folded = parseFolded(readFileSync(join(dir, "profile-app.js.us.folded"), "utf8"));
    const spin = [...folded.stacks].filter(([key]) => key.includes("spinHard")).reduce((sum, [, w]) => sum + w, 0);
    expect(spin / 1000).toBeGreaterThan(250); // most of its 400 ms, in microseconds
    const pprof = parsePprof(readFileSync(join(dir, "app.pb.gz")));
    expect([...pprof.stacks.keys()].some((key) => key.includes(`spinHard ${join(dir, "app.js")}:1`))).toBe(true);
  });

  it("--json: stdout is one JSON document, the program's own output goes to stderr", () => {
    const dir = scratch();
    writeFileSync(join(dir, "app.js"), `console.log("hello from app");\n${APP}`);
    const args = [
      "profile",
      "--json",
      "-o",
      join(dir, "app.folded"),
      "--",
      process.execPath,
      join(dir, "app.js"),
      "100",
    ];
    const result = runCli(args);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ target: "app.js", method: "node --cpu-prof" });
    expect(result.stderr).toMatch(/^hello from app$/m);
  });

  it("refuses outputs that are one file, before running anything", async () => {
    const dir = scratch();
    const io = { ...fakeIO(), cwd: dir };
    const args = ["profile", "--pprof", "a.out", "-o", "./a.out", "--", process.execPath, "-e", "1"];
    expect(await main(args, io)).toBe(1);
    expect(io.err()).toBe("twintune: -o ./a.out and --pprof a.out are the same file\n");
    writeFileSync(join(dir, "app.js"), APP);
    const script = { ...fakeIO(), cwd: dir };
    expect(await main(["profile", "-o", "app.js", "--", process.execPath, "app.js"], script)).toBe(1);
    expect(script.err()).toBe("twintune: -o app.js would replace the profiled command's app.js; write elsewhere\n");
    expect(readFileSync(join(dir, "app.js"), "utf8")).toBe(APP);
  });

  it("-o is the folded stacks: a name promising SVG, HTML or pprof is refused; a name losing the unit is noted", async () => {
    const dir = scratch();
    for (const [name, flag] of [
      ["app.svg", "--svg"],
      ["app.HTML", "--html"],
      ["app.pb.gz", "--pprof"],
    ]) {
      const io = { ...fakeIO(), cwd: dir };
      expect(await main(["profile", "-o", name as string, "--", process.execPath, "-e", "1"], io)).toBe(2);
      expect(io.err()).toMatch(new RegExp(`-o writes folded stacks \\(text\\), not .*: use ${flag} ${name}`));
    }
    expect(readdirSync(dir)).toEqual([]);
    const io = { ...fakeIO(), cwd: dir };
    expect(await main(["profile", "-o", "mine.folded", "--", process.execPath, "-e", "1"], io)).toBe(0);
    expect(io.err()).toMatch(/note: mine\.folded holds CPU microseconds; .*name it \*\.us\.folded/);
  });

  it("needs --pid or a command, and says so", async () => {
    const io = fakeIO();
    expect(await main(["profile"], io)).toBe(2);
    expect(io.err()).toMatch(/needs --pid PID or a command after -- \(twintune profile -- node app\.js\)/);
    const both = fakeIO();
    expect(await main(["profile", "--pid", "1", "--", "true"], both)).toBe(2);
    expect(both.err()).toMatch(/takes --pid PID or a command after --, not both/);
    const gone = fakeIO();
    expect(await main(["profile", "--pid", "999999999", "--duration", "1"], gone)).toBe(1);
    expect(gone.err()).toMatch(/no process with pid 999999999/);
  });

  it.skipIf(noPerf)(
    `-- COMMAND that is not Node runs under perf record -g${noPerf ? ` (skipped: ${perfReason})` : ""}`,
    async () => {
      const dir = scratch();
      const io = { ...fakeIO(), cwd: dir };
      const script = "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; exit 4";
      expect(await main(["profile", "-o", "sh.folded", "--", "/bin/sh", "-c", script], io)).toBe(4);
      const folded = parseFolded(readFileSync(join(dir, "sh.folded"), "utf8"));
      expect(folded.stacks.size).toBeGreaterThan(0);
      expect([...folded.stacks.keys()].every((key) => key.startsWith("sh;"))).toBe(true);
      // A command killed by a signal exits as a shell reports it: 128 + 15 for SIGTERM.
      const killed = { ...fakeIO(), cwd: dir };
      expect(await main(["profile", "-o", "k.folded", "--", "/bin/sh", "-c", "kill -TERM $$"], killed)).toBe(143);
    },
    30_000,
  );

  it("a program that does not exist is a clear error, not a crash", async () => {
    await expect(runProcess("/nonexistent/twintune-test-tool", [], { installHint: "install it" })).rejects.toThrow(
      "'/nonexistent/twintune-test-tool' was not found (install it)",
    );
    expect(lastLine("[ perf record: Woken up ]\nerror: no permission\n\n")).toBe("error: no permission");
  });

  it.skipIf(noPerf)(
    `--pid: attaches perf to a running Node process and names its JIT frames${noPerf ? ` (skipped: ${perfReason})` : ""}`,
    async () => {
      const dir = scratch();
      writeFileSync(join(dir, "app.js"), APP);
      const child = spawn(process.execPath, ["--perf-basic-prof", join(dir, "app.js"), "6000"], {
        stdio: "ignore",
        cwd: dir, // --perf-basic-prof also leaves a V8 log file in the working directory
      });
      try {
        await new Promise((resolve) => setTimeout(resolve, 400));
        const io = { ...fakeIO(), cwd: dir };
        const code = await main(
          ["profile", "--pid", String(child.pid), "--duration", "1", "--svg", "p.svg", "--json"],
          io,
        );
        expect(code).toBe(0);
        const report = JSON.parse(io.out());
        expect(report.method).toBe("perf record -g");
        expect(report.total).toBeGreaterThan(10); // up to 99 in 1 s, fewer when the machine is busy
        const folded = parseFolded(readFileSync(join(dir, `profile-${child.pid}.folded`), "utf8"));
        const keys = [...folded.stacks.keys()];
        expect(keys.every((key) => key.startsWith("node;"))).toBe(true);
        expect(keys.some((key) => /spinHard .*app\.js.*_\[j\]/.test(key))).toBe(true);
        expect(readFileSync(join(dir, "p.svg"), "utf8")).toMatch(/spinHard/);
      } finally {
        child.kill();
      }
    },
    30_000,
  );

  it.skipIf(noPerf)(
    `interrupted while perf records, stops perf, exits 130 and leaves no recording behind${noPerf ? ` (skipped: ${perfReason})` : ""}`,
    async () => {
      const dir = scratch();
      const sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
      // Its own TMPDIR, so the recording's folder is the only one there.
      const tmp = join(dir, "tmp");
      mkdirSync(tmp);
      const child = spawn(
        process.execPath,
        [...cliArgs(["profile", "--pid", String(sleeper.pid), "--duration", "20"])],
        {
          cwd: dir,
          env: { ...process.env, TMPDIR: tmp },
          stdio: "ignore",
        },
      );
      try {
        // Wait for perf's recording to exist, then interrupt as Ctrl-C would (twintune and perf).
        await waitForEntry(tmp, "twintune-perf-");
        expect(readdirSync(tmp).filter((name) => name.startsWith("twintune-perf-"))).toHaveLength(1);
        await new Promise((resolve) => setTimeout(resolve, 500));
        // To twintune alone (a kill, not Ctrl-C to the group): it stops perf itself.
        expect(await interrupt(child)).toBe(130);
        expect(readdirSync(tmp).filter((name) => name.startsWith("twintune-perf-"))).toEqual([]);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        expect(spawnSync("pgrep", ["-f", `perf record .*-p ${sleeper.pid}`]).status).toBe(1);
      } finally {
        child.kill("SIGKILL");
        sleeper.kill();
      }
    },
    40_000,
  );
});

describe("twintune profile -- node interrupted", () => {
  it("a kill to twintune stops the Node program it runs, exits 130 and leaves no profile folder behind", async () => {
    const dir = scratch();
    const tmp = join(dir, "tmp");
    mkdirSync(tmp);
    const marker = `twintune-never-ends-${process.pid}`;
    const child = spawn(
      process.execPath,
      cliArgs(["profile", "--", process.execPath, "-e", `setInterval(() => {}, 1000); // ${marker}`]),
      { cwd: dir, env: { ...process.env, TMPDIR: tmp }, stdio: "ignore" },
    );
    try {
      await waitForEntry(tmp, "twintune-cpuprof-");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await interrupt(child)).toBe(130);
      expect(readdirSync(tmp).filter((name) => name.startsWith("twintune-cpuprof-"))).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(spawnSync("pgrep", ["-f", marker]).status).toBe(1);
    } finally {
      child.kill("SIGKILL");
      spawnSync("pkill", ["-f", marker]);
    }
  }, 40_000);
});
