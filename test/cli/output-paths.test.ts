import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFilesTogether } from "../../src/atomic-file.js";
import { threadCountOption } from "../../src/cli/args.js";
import { main } from "../../src/cli/main.js";
import { checkOutputFile, checkOutputFolder, makeFolders, OutputPathError } from "../../src/output-path.js";
import { fakeIO } from "../helpers/fake-io.js";
import { cliArgs } from "../helpers/spawn-cli.js";
import { tempFolders } from "../helpers/temp-folders.js";

const temp = tempFolders();
const workspace = (files: Record<string, string> = {}) => temp("twintune-out-", files);
const inDir = (dir: string) => ({ ...fakeIO(), cwd: dir });
const linux = process.platform === "linux";

describe("output paths", () => {
  it("a file whose folder is missing is refused before any work, and no folder is made", async () => {
    const dir = workspace({ "cpu.folded": "main;a 3\n" });
    const io = inDir(dir);
    expect(await main(["flamegraph", "cpu.folded", "-o", "no/such/x.svg"], io)).toBe(1);
    expect(io.err()).toBe("twintune: no/such/x.svg: folder no/such does not exist\n");
    expect(existsSync(join(dir, "no"))).toBe(false);
  });

  it("a folder given as an output file is refused with one line, not an internal error", async () => {
    const dir = workspace({ "cpu.folded": "main;a 3\n" });
    mkdirSync(join(dir, "taken"));
    const io = inDir(dir);
    expect(await main(["flamegraph", "cpu.folded", "-o", "taken"], io)).toBe(1);
    expect(io.err()).toBe("twintune: taken is a folder\n");
  });

  it("an output that is the input, or another output, is refused and nothing is written", async () => {
    const dir = workspace({ "cpu.folded": "main;a 3\n", "old.folded": "main;b 1\n" });
    mkdirSync(join(dir, "real"));
    symlinkSync("real", join(dir, "link"));
    const cases: [string[], string][] = [
      [["cpu.folded", "-o", "cpu.folded"], "-o cpu.folded would replace the input cpu.folded; write elsewhere"],
      [
        ["cpu.folded", "--html", "./old.folded", "--diff", "old.folded"],
        "--html ./old.folded would replace the --diff profile old.folded; write elsewhere",
      ],
      [["cpu.folded", "-o", "x.svg", "--html", "x.svg"], "-o x.svg and --html x.svg are the same file"],
      [
        ["cpu.folded", "-o", "real/x.svg", "--html", "link/x.svg"],
        "-o real/x.svg and --html link/x.svg are the same file",
      ],
    ];
    for (const [args, message] of cases) {
      const io = inDir(dir);
      expect(await main(["flamegraph", ...args], io)).toBe(1);
      expect(io.err()).toBe(`twintune: ${message}\n`);
    }
    expect(readdirSync(dir).sort()).toEqual(["cpu.folded", "link", "old.folded", "real"]);
    expect(readdirSync(join(dir, "real"))).toEqual([]);
    expect(readFileSync(join(dir, "cpu.folded"), "utf8")).toBe("main;a 3\n");
  });

  it("when one of two outputs cannot be written, neither is", async () => {
    const dir = workspace({ "cpu.folded": "main;a 3\n" });
    mkdirSync(join(dir, "page.html"));
    const io = inDir(dir);
    expect(await main(["flamegraph", "cpu.folded", "-o", "out.svg", "--html", "page.html"], io)).toBe(1);
    expect(existsSync(join(dir, "out.svg"))).toBe(false);
    // writeFilesTogether itself: the second file fails to open, the first never appears.
    expect(() =>
      writeFilesTogether([
        { path: join(dir, "a.txt"), data: "a" },
        { path: join(dir, "missing", "b.txt"), data: "b" },
      ]),
    ).toThrow(OutputPathError);
    expect(readdirSync(dir).sort()).toEqual(["cpu.folded", "page.html"]);
  });

  it.skipIf(!linux)("/proc refuses new entries: a clear error, and no endless mkdir", async () => {
    const dir = workspace({ "cpu.folded": "main;a 3\n" });
    const io = inDir(dir);
    expect(await main(["flamegraph", "cpu.folded", "-o", "/proc/twintune-x.svg"], io)).toBe(1);
    expect(io.err()).toMatch(/^twintune: cannot write \/proc\/twintune-x\.svg: /);
    expect(io.err()).not.toMatch(/internal error/);
    // Node 20's mkdir({ recursive: true }) spins forever here; makeFolders fails at once.
    expect(() => makeFolders("/proc/twintune-x/y")).toThrow(/cannot create folder \/proc\/twintune-x: /);
    expect(() => checkOutputFolder("/proc/twintune-x")).toThrow(OutputPathError);
  });

  it("checkOutputFile and checkOutputFolder accept what can be written and leave nothing behind", () => {
    const dir = workspace();
    checkOutputFile(join(dir, "new.svg"));
    checkOutputFolder(join(dir, "report"));
    checkOutputFolder(dir);
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, "file"), "x");
    expect(() => checkOutputFolder(join(dir, "file"), "file")).toThrow("file exists and is not a folder");
    expect(() => checkOutputFile(join(dir, "file", "x.svg"), "file/x.svg")).toThrow("file/x.svg: file is not a folder");
  });

  it("an empty profile is an error for flamegraph, hotspots and a diff", async () => {
    const dir = workspace({ "empty.folded": "", "cpu.folded": "main;a 3\n" });
    for (const args of [
      ["flamegraph", "empty.folded"],
      ["hotspots", "empty.folded"],
      ["flamegraph", "cpu.folded", "--diff", "empty.folded"],
    ]) {
      const io = inDir(dir);
      expect(await main(args, io)).toBe(1);
      expect(io.err()).toBe("twintune: empty.folded: the profile holds no samples\n");
    }
    expect(existsSync(join(dir, "empty.svg"))).toBe(false);
  });

  it("run: --out with --no-report is a usage error, not a silently ignored flag", async () => {
    const dir = workspace();
    const io = inDir(dir);
    expect(await main(["run", "--no-report", "--out", "rep"], io)).toBe(2);
    expect(io.err()).toMatch(/--out names the report folder and --no-report writes none/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("run --out: a bad report folder is refused before the simulation", async () => {
    const dir = workspace({ "notes.txt": "mine" });
    const io = inDir(dir);
    const started = performance.now();
    const scenario = join(process.cwd(), "scenarios", "wan-transfer.yaml");
    expect(await main(["run", scenario, "--out", ".", "--json"], io)).toBe(1);
    expect(io.err()).toBe(
      "twintune: . exists and does not hold a twintune report (it holds notes.txt); choose another --out or remove it\n",
    );
    // Refused up front: the simulation (several seconds of CPU) never started.
    expect(performance.now() - started).toBeLessThan(3000);
    const tui = inDir(dir);
    expect(await main(["run", scenario, "--tui", "--out", "x"], tui)).toBe(2);
    expect(tui.err()).toMatch(/--tui writes no report: --out and --no-report do not apply/);
  });

  it("fleet generate: a bad --catalog leaves no empty --out folder behind", async () => {
    const dir = workspace();
    const io = inDir(dir);
    const args = ["fleet", "generate", "--vms", "2", "--days", "1", "--seed", "1", "--out", "fleet"];
    expect(await main([...args, "--catalog", "nope.yaml"], io)).toBe(1);
    expect(existsSync(join(dir, "fleet"))).toBe(false);
    const huge = inDir(dir);
    expect(
      await main(
        ["fleet", "generate", "--vms", "2", "--days", "1", "--seed", "99999999999999999999", "--out", "f"],
        huge,
      ),
    ).toBe(2);
    expect(huge.err()).toMatch(/--seed expects an integer of at most 15 digits or a word/);
  });
});

describe("a write the file system cuts short (a file-size limit, a full quota)", () => {
  /** Runs `twintune ARGS` in a shell whose processes may write files of at most `blocks` blocks (sh's ulimit -f unit: 512 bytes in dash, 1 KiB in bash). */
  const limited = (blocks: number, dir: string, args: string[]) =>
    spawnSync("sh", ["-c", `ulimit -f ${blocks} && exec "$0" "$@"`, process.execPath, ...cliArgs(args)], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
    });

  it.skipIf(!linux)("fails with the reason, exit 1, and leaves neither the file nor a temporary one", () => {
    const dir = workspace();
    // The trace of 50 VMs over 3 days is about 2.3 MB: past 200 blocks (100-200 KiB) the kernel refuses the rest.
    const fleet = limited(200, dir, ["fleet", "generate", "--vms", "50", "--days", "3", "--seed", "1", "--out", "f"]);
    expect(fleet.status, fleet.stderr).toBe(1);
    expect(fleet.stderr).toMatch(/cannot write .*trace\.csv: the file would exceed the size this process may write/);
    expect(fleet.stderr).not.toMatch(/internal error|at .*\.ts:/);
    expect(existsSync(join(dir, "f")) ? readdirSync(join(dir, "f")) : []).toEqual([]);
  });

  it.skipIf(!linux)("standard output redirected to a file: a cut-short write fails the command", () => {
    const dir = workspace();
    const result = spawnSync(
      "sh",
      ["-c", `ulimit -f 4 && exec "$0" "$@" > out.json`, process.execPath, ...cliArgs(["validate", "--json"])],
      { cwd: dir, encoding: "utf8", timeout: 120_000 },
    );
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/cannot write standard output \(a file\): the file would exceed the size/);
  });

  it.skipIf(!linux)("keeps the file it would have replaced whole", () => {
    const dir = workspace({ "old.svg": "<svg>the previous chart</svg>\n" });
    const input = join(import.meta.dirname, "..", "fixtures", "profiles", "node-perf-script.txt");
    const result = limited(0, dir, ["flamegraph", input, "-o", "old.svg"]);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/cannot write .*old\.svg/);
    expect(readFileSync(join(dir, "old.svg"), "utf8")).toBe("<svg>the previous chart</svg>\n");
    expect(readdirSync(dir)).toEqual(["old.svg"]);
  });
});

describe("arguments", () => {
  it("a negative value after a space says how to write it", async () => {
    const io = fakeIO();
    expect(await main(["run", "wan-transfer", "--seed", "-1"], io)).toBe(2);
    expect(io.err()).toMatch(/option '--seed' is followed by '-1', which looks like an option: write --seed=-1/);
  });

  it("an empty value or argument (an unset variable in a script) is a usage error, not a path", async () => {
    const out = fakeIO();
    expect(await main(["run", "--out", "", "--no-report"], out)).toBe(2);
    expect(out.err()).toMatch(/^twintune: --out needs a value, got an empty string for 'twintune run'\n/);
    const positional = fakeIO();
    expect(await main(["hotspots", ""], positional)).toBe(2);
    expect(positional.err()).toMatch(/^twintune: an empty argument for 'twintune hotspots' \(an unset variable\?\)/);
    // A title is text shown as written: empty is a choice, not a mistake.
    const titled = inDir(workspace({ "cpu.folded": "main;a 3\n" }));
    expect(await main(["flamegraph", "cpu.folded", "--title", "", "-o", "x.svg"], titled)).toBe(0);
  });

  it("--threads and --workers above the CPUs available are lowered to them, with a warning", () => {
    const cpus = availableParallelism();
    const io = fakeIO();
    expect(threadCountOption("workers", String(cpus + 5), 1, io)).toBe(cpus);
    expect(io.err()).toBe(
      `twintune: warning: --workers ${cpus + 5} is more than the ${cpus} CPU(s) available here; using ${cpus}\n`,
    );
    const quiet = fakeIO();
    expect(threadCountOption("threads", "1", 4, quiet)).toBe(1);
    expect(threadCountOption("threads", undefined, 1, quiet)).toBe(1);
    expect(quiet.err()).toBe("");
    expect(() => threadCountOption("threads", "0", 1, quiet)).toThrow(/--threads expects an integer >= 1/);
  });

  it("-h after -- belongs to the profiled program; a missing program exits 127", async () => {
    const io = fakeIO({ PATH: "/usr/bin:/bin" });
    expect(await main(["profile", "--", "twintune-no-such-program", "-h"], io)).toBe(127);
    expect(io.err()).toBe("twintune: twintune-no-such-program: command not found\n");
    expect(io.out()).toBe("");
  });

  it("a run too short to apply and validate one change is refused, naming where the duration came from", async () => {
    const tiny = join(process.cwd(), "test", "fixtures", "scenarios", "tiny-host.yaml");
    const io = fakeIO();
    // A bad --set value: exit 2 with the usage hint, like any other bad flag value.
    expect(await main(["run", tiny, "--set", "duration=30s", "--no-report"], io)).toBe(2);
    expect(io.err()).toBe(
      "twintune: --set duration=30s: duration: expected at least 2 min (tuning.interval + tuning.validation: time to apply one change and validate it), got 0.5 min\nRun 'twintune run --help' for its usage.\n",
    );
  });

  it("twintune help COMMAND prints that command's help", async () => {
    const io = fakeIO();
    expect(await main(["help", "hotspots"], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: twintune hotspots/);
  });
});
