import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLiveCommand } from "../../src/cli/commands/live.js";
import { UsageError, UserError } from "../../src/cli/errors.js";
import { main } from "../../src/cli/main.js";
import { FakeHostFs } from "../helpers/fake-host-fs.js";
import { fakeIO } from "../helpers/fake-io.js";
import { FIXTURES, FixtureRunner } from "../helpers/fixture-runner.js";
import { runCli, spawnCli } from "../helpers/spawn-cli.js";
import { tempFolders } from "../helpers/temp-folders.js";

const temp = tempFolders();

/** Every file under a directory with its content (symlinks not followed). */
function contents(dir: string, base = dir, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path, { throwIfNoEntry: false });
    if (info?.isDirectory() && !statSync(path).isSymbolicLink?.()) contents(path, base, out);
    else if (info?.isFile()) out.set(path.slice(base.length), readFileSync(path, "utf8"));
  }
  return out;
}

const isRoot = process.geteuid?.() === 0;
// The "as user nobody" tests run the program from this checkout as uid 65534: a checkout under a
// private directory (mktemp -d is 0700) is out of its reach, and the test would measure that.
const nobodyBlocked = !isRoot
  ? "not root"
  : runCli(["--version"], { uid: 65534 }).status === 0
    ? undefined
    : "user nobody cannot run the program from this checkout (a parent directory is private)";
const asNobody = (title: string) => (nobodyBlocked === undefined ? title : `${title} (skipped: ${nobodyBlocked})`);

describe("twintune live status", () => {
  it("prints a captured host's topology, caches, devices and knob values (--root)", async () => {
    const io = fakeIO();
    const live = createLiveCommand({ runner: new FixtureRunner("numa-2node-smt") });
    expect(
      await live.run(
        ["status", "--root", join(FIXTURES, "numa-2node-smt"), "--interval", "1", "--state-dir", temp("tt-state-")],
        io,
      ),
    ).toBe(0);
    const out = io.out();
    expect(out).toMatch(/^host smt-numa-example: 2 NUMA node\(s\), 8 CPU\(s\), 125\.6 GiB memory/);
    expect(out).toMatch(/\n {3}0 {2}0-1,4-5 {2}62\.8 GiB +10 21\n/);
    expect(out).toMatch(/L3 +unified +16 MiB +0-1,4-5/);
    expect(out).toMatch(/nvme0n1 +nvme +931\.5 GiB +no +8 +none mq-deadline kyber bfq +Samsung SSD 980 PRO 1TB/);
    expect(out).toMatch(/io-scheduler +sda +mq-deadline +\/sys\/block\/sda\/queue\/scheduler/);
  });

  it("shows the ways of an L3 that resctrl can allocate, and llc-ways among a --pid's knobs", async () => {
    const root = temp("tt-root-");
    cpSync(join(FIXTURES, "numa-2node-smt"), root, { recursive: true });
    cpSync(join(FIXTURES, "resctrl-broadwell-ep"), root, { recursive: true });
    const io = fakeIO();
    const live = createLiveCommand({ runner: new FixtureRunner("numa-2node-smt") });
    const args = ["status", "--root", root, "--pid", "2201", "--interval", "1", "--state-dir", temp("tt-state-")];
    expect(await live.run(args, io)).toBe(0);
    const out = io.out();
    expect(out).toMatch(/cache +type +size +shared by cpus +allocation\n/);
    expect(out).toMatch(/L3 +unified +16 MiB +0-1,4-5 +20 ways \(CAT\)\n/);
    expect(out).toMatch(/L1 +data +.* +-\n/);
    expect(out).toMatch(/llc-ways +pid:2201 +20 +\/sys\/fs\/resctrl\/twintune-pid-2201\n/);
  });

  it.skipIf(process.platform !== "linux")(
    "on this machine prints its real topology, matching the kernel's own counts",
    async () => {
      const io = fakeIO();
      expect(await main(["live", "status", "--interval", "200", "--state-dir", temp("tt-state-"), "--json"], io)).toBe(
        0,
      );
      const status = JSON.parse(io.out());
      const online = readFileSync("/sys/devices/system/cpu/online", "utf8").trim();
      const count = online.split(",").reduce((n, part) => {
        const [a, b] = part.split("-").map(Number);
        return n + (b === undefined ? 1 : (b as number) - (a as number) + 1);
      }, 0);
      expect(status.topology.cpus).toHaveLength(count);
      const nodes = existsSync("/sys/devices/system/node")
        ? readdirSync("/sys/devices/system/node").filter((n) => /^node\d+$/.test(n)).length
        : 1;
      expect(status.topology.nodes).toHaveLength(nodes);
      expect(status.topology.caches.length).toBeGreaterThan(0);
      const disks = readdirSync("/sys/block").filter(
        (name) => Number(readFileSync(`/sys/block/${name}/size`, "utf8")) > 0,
      );
      expect(status.topology.devices.map((d: { name: string }) => d.name).sort()).toEqual(disks.sort());
      expect(status.knobs.some((k: { knob: string }) => k.knob === "tcp-rmem")).toBe(true);
      expect(status.observation.intervalMs).toBeGreaterThanOrEqual(200);
    },
  );
});

describe("twintune live plan (shadow mode, the default)", () => {
  it("writes nothing: every file of the host tree and the state directory stay as they were", async () => {
    const root = temp("tt-root-");
    cpSync(join(FIXTURES, "numa-2node-smt"), root, { recursive: true, verbatimSymlinks: true });
    const stateDir = join(temp("tt-state-"), "state");
    const before = contents(root);
    const io = fakeIO();
    const live = createLiveCommand({ runner: new FixtureRunner("numa-2node-smt") });
    // `live` alone is `live plan`.
    expect(
      await live.run(["--root", root, "--state-dir", stateDir, "--interval", "1", "--workload", "sequential"], io),
    ).toBe(0);
    expect(io.out()).toMatch(
      /read-ahead-kb +sda +128 +4096 +sda serves sequential streams \(as told\): a 4 MiB read-ahead/,
    );
    expect(io.out()).toMatch(/nvme0n1 \(nvme, 8 hw queue\(s\)\): scheduler none/);
    expect(io.out()).toMatch(/Shadow mode: nothing was written/);
    expect(contents(root)).toEqual(before);
    expect(existsSync(stateDir)).toBe(false);
  });

  it.skipIf(!isRoot)("on this machine changes no kernel value and creates no journal", async () => {
    const files = ["/proc/sys/net/ipv4/tcp_rmem", "/proc/sys/net/ipv4/tcp_wmem", "/proc/sys/net/core/somaxconn"];
    for (const disk of readdirSync("/sys/block")) {
      for (const file of ["scheduler", "nr_requests", "read_ahead_kb"]) {
        if (existsSync(`/sys/block/${disk}/queue/${file}`)) files.push(`/sys/block/${disk}/queue/${file}`);
      }
    }
    const read = () => files.map((file) => readFileSync(file, "utf8"));
    const before = read();
    const stateDir = join(temp("tt-state-"), "state");
    const io = fakeIO();
    expect(
      await main(
        [
          "live",
          "plan",
          "--interval",
          "100",
          "--state-dir",
          stateDir,
          "--workload",
          "random",
          "--bandwidth",
          "10000",
          "--rtt",
          "80",
          "--json",
        ],
        io,
      ),
    ).toBe(0);
    expect(JSON.parse(io.out()).written).toBe(false);
    expect(read()).toEqual(before);
    expect(existsSync(stateDir)).toBe(false);
  });
});

/** The fixture host after `live apply --yes --set read-ahead-kb@sda=512` (128 before). */
async function withReadAheadApplied() {
  const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
  const stateDir = temp("tt-state-");
  const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
  expect(await live.run(["apply", "--yes", "--set", "read-ahead-kb@sda=512", "--state-dir", stateDir], fakeIO())).toBe(
    0,
  );
  return { fs, stateDir, live };
}

describe("twintune live apply, journal, revert", () => {
  it("without --yes shows the plan, writes nothing and exits 1", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    const io = fakeIO();
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
    expect(
      await live
        .run(["apply", "--set", "io-scheduler=bfq", "--device", "sda", "--state-dir", temp("tt-state-")], io)
        .catch((e) => e.exitCode),
    ).toBe(1);
    expect(io.out()).toMatch(/io-scheduler +sda +mq-deadline +bfq/);
    expect(fs.writes).toEqual([]);
  });

  it("applies with --yes, keeps the changes after exit, lists them, and revert restores every file", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    const before = fs.snapshot();
    const stateDir = temp("tt-state-");
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
    const apply = fakeIO();
    const args = [
      "apply",
      "--yes",
      "--device",
      "sdb",
      "--set",
      "io-scheduler=kyber",
      "--set",
      "read-ahead-kb=1024",
      "--set",
      "nr-requests=128",
      "--state-dir",
      stateDir,
    ];
    expect(await live.run(args, apply)).toBe(0);
    expect(apply.out()).toMatch(/io-scheduler +sdb +mq-deadline +kyber/);
    expect(apply.out()).toMatch(/They stay in effect/);
    expect(await fs.readText("/sys/block/sdb/queue/scheduler")).toBe("none mq-deadline [kyber] bfq \n");
    const journal = fakeIO();
    expect(await live.run(["journal", "--state-dir", stateDir], journal)).toBe(0);
    expect(journal.out()).toMatch(/nr-requests +sdb +\/sys\/block\/sdb\/queue\/nr_requests +256 +128/);
    const revert = fakeIO();
    expect(await live.run(["revert", "--state-dir", stateDir], revert)).toBe(0);
    expect(revert.out()).toMatch(/\n3 restored\.\n/);
    expect(fs.snapshot()).toEqual(before);
  });

  it("--json prints one JSON document for apply (with and without --yes) and recover", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    const stateDir = temp("tt-state-");
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
    const args = ["apply", "--set", "read-ahead-kb@sda=512", "--state-dir", stateDir, "--json"];
    const shown = fakeIO();
    await expect(live.run(args, shown)).rejects.toThrow(/nothing written: pass --yes/);
    expect(JSON.parse(shown.out())).toMatchObject({
      written: false,
      changes: [{ knob: "read-ahead-kb", proposed: 512 }],
    });
    const written = fakeIO();
    expect(await live.run([...args, "--yes"], written)).toBe(0);
    expect(JSON.parse(written.out())).toMatchObject({
      written: true,
      changes: [{ knob: "read-ahead-kb", target: "sda", before: 128, after: 512 }],
      journal: join(stateDir, "journal.jsonl"),
    });
    const again = fakeIO();
    expect(await live.run([...args, "--yes"], again)).toBe(0);
    expect(JSON.parse(again.out())).toMatchObject({ written: true, changes: [] });
    const recover = fakeIO();
    expect(await live.run(["recover", "--json", "--state-dir", temp("tt-state-")], recover)).toBe(0);
    expect(JSON.parse(recover.out())).toEqual({ outcomes: [], failed: 0 });
    const discard = fakeIO();
    expect(await live.run(["recover", "--discard", "--json", "--state-dir", stateDir], discard)).toBe(0);
    expect(JSON.parse(discard.out())).toEqual({ discarded: 1 });
  });

  it("an explicit --set that --device leaves out is said, not silently dropped", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
    const io = fakeIO();
    const args = [
      "apply",
      "--yes",
      "--device",
      "sdb",
      "--set",
      "read-ahead-kb@sda=256",
      "--state-dir",
      temp("tt-state-"),
    ];
    expect(await live.run(args, io)).toBe(0);
    expect(io.out()).toBe("No changes: --only or --device leaves out every --set change.\n");
    expect(fs.writes).toEqual([]);
  });

  it("on a copied host tree (--root), apply then revert of an I/O scheduler leaves every file as it was", async () => {
    const root = temp("tt-root-");
    cpSync(join(FIXTURES, "numa-2node-smt"), root, { recursive: true, verbatimSymlinks: true });
    const before = contents(root);
    const stateDir = temp("tt-state-");
    const live = createLiveCommand({ runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
    const common = ["--root", root, "--state-dir", stateDir];
    const apply = ["apply", "--yes", "--device", "sda", "--set", "io-scheduler=bfq", "--interval", "1"];
    expect(await live.run([...apply, ...common], fakeIO())).toBe(0);
    expect(readFileSync(join(root, "sys/block/sda/queue/scheduler"), "utf8")).toMatch(/\[bfq\]/);
    const revert = fakeIO();
    expect(await live.run(["revert", ...common], revert)).toBe(0);
    expect(contents(root)).toEqual(before);
  });

  it("a --set that --only leaves out, beside one it keeps, is said on stderr", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
    const io = fakeIO();
    const args = ["plan", "--set", "read-ahead-kb@sda=256", "--set", "nr-requests@sda=64", "--only", "read-ahead-kb"];
    expect(await live.run([...args, "--state-dir", temp("tt-")], io)).toBe(0);
    expect(io.out()).toMatch(/read-ahead-kb +sda/);
    expect(io.err()).toBe("twintune: --set nr-requests@sda=64: left out by --only read-ahead-kb\n");
  });

  it("a process has one spelling: 1234 and pid:1234 are one target", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "kvm-2cpu"));
    const live = createLiveCommand({ fs, runner: new FixtureRunner("kvm-2cpu", new Set(["taskset"])), isRoot: true });
    const io = fakeIO();
    expect(
      await live.run(["plan", "--pid", "10828", "--set", "cpu-affinity@10828=0", "--state-dir", temp("tt-")], io),
    ).toBe(0);
    expect(io.out()).toMatch(/cpu-affinity +pid:10828 +0-1 +0/);
    const error = await live
      .run(
        ["plan", "--set", "cpu-affinity@10828=0", "--set", "cpu-affinity@pid:10828=1", "--state-dir", temp("tt-")],
        fakeIO(),
      )
      .catch((e) => e);
    expect(error.message).toMatch(/both set cpu-affinity on pid:10828: give one value/);
  });

  it("a --set on a file that does not read as the kernel writes it is exit 1 in plan, as in apply", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    fs.files.set(fs.real("/sys/block/sda/queue/read_ahead_kb"), "");
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
    const args = ["--set", "read-ahead-kb@sda=512", "--state-dir", temp("tt-")];
    for (const command of [["plan"], ["apply", "--yes"]]) {
      const error = await live.run([...command, ...args], fakeIO()).catch((e) => e);
      expect(error).toBeInstanceOf(UserError);
      expect(error.exitCode).toBe(1);
      expect(error.message).toMatch(/read_ahead_kb/);
    }
  });

  it("a metrics window longer than a day is a usage error (Node's timers would fire at once)", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
    const error = await live.run(["status", "--interval", "2147483648"], fakeIO()).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe("--interval expects an integer >= 1 and <= 86400000, got '2147483648'");
  });

  it("two --set values for one knob are a usage error naming both", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
    const error = await live
      .run(
        ["plan", "--set", "read-ahead-kb@sda=256", "--set", "read-ahead-kb@sda=512", "--state-dir", temp("tt-")],
        fakeIO(),
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(UsageError); // exit 2
    expect(error.message).toBe(
      "--set read-ahead-kb@sda=256 and --set read-ahead-kb@sda=512 both set read-ahead-kb on sda: give one value",
    );
    // The same value twice (a script adding its own) is one change.
    const twice = fakeIO();
    const args = ["plan", "--device", "sda", "--set", "read-ahead-kb@sda=512", "--set", "read-ahead-kb=512"];
    expect(await live.run([...args, "--state-dir", temp("tt-")], twice)).toBe(0);
    expect(twice.out().match(/read-ahead-kb +sda/g)).toHaveLength(1);
    // A later --set's error names that --set, not the one at its place before the duplicate went.
    const later = await live
      .run(["plan", ...args.slice(1), "--set", "nr-requests@sda=0", "--state-dir", temp("tt-")], fakeIO())
      .catch((e) => e);
    expect(later.message).toMatch(/^--set nr-requests@sda=0: nr-requests on sda: nr_requests 0 is outside/);
    // A knob name in capitals is a knob name, and the nearest are offered.
    const shout = await live.run(["plan", "--set", "READ-AHEAD-KB@sda=512"], fakeIO()).catch((e) => e);
    expect(shout.message).toBe("--set: no knob 'READ-AHEAD-KB' (did you mean read-ahead-kb?)");
  });

  it("a knob that cannot be restored: exit 1, said on stderr as well as in the table, kept in the journal", async () => {
    const { fs, stateDir, live } = await withReadAheadApplied();
    fs.denied.add("/sys/block/sda/queue/read_ahead_kb");
    const revert = fakeIO();
    expect(await live.run(["revert", "--state-dir", stateDir], revert)).toBe(1);
    expect(revert.out()).toMatch(/read-ahead-kb +sda +128 +failed/);
    expect(revert.err()).toBe("twintune: 1 knob(s) could not be restored; they stay in the journal (revert again)\n");
  });

  it("an explicit --set takes over a knob someone else changed: written at once, their value the one revert restores", async () => {
    const { fs, stateDir, live } = await withReadAheadApplied();
    fs.files.set(fs.real("/sys/block/sda/queue/read_ahead_kb"), "1024\n"); // an admin's edit
    const plan = fakeIO();
    expect(await live.run(["plan", "--set", "read-ahead-kb@sda=256", "--state-dir", stateDir], plan)).toBe(0);
    expect(plan.out()).toMatch(/read-ahead-kb +sda +1024 +256/);
    expect(plan.out()).toMatch(/--set takes it over, and 1024 becomes the original that 'live revert' restores/);
    const shown = fakeIO(); // without --yes: the table, and the take-over said on stderr
    await live.run(["apply", "--set", "read-ahead-kb@sda=256", "--state-dir", stateDir], shown).catch(() => 1);
    expect(shown.err()).toMatch(/--set takes it over, and 1024 becomes the original/);
    const io = fakeIO();
    expect(await live.run(["apply", "--yes", "--set", "read-ahead-kb@sda=256", "--state-dir", stateDir], io)).toBe(0);
    expect(io.err()).toBe(
      "twintune: read-ahead-kb on sda was changed by someone else since twintune wrote it (expected 512, found 1024); --set takes it over, and 1024 becomes the original that 'live revert' restores\n",
    );
    expect(io.out()).toMatch(/read-ahead-kb +sda +1024 +256/);
    expect(await fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("256\n");
    // The journal says the old original was given up, and revert brings back the admin's value, not ours.
    expect(readFileSync(join(stateDir, "journal.jsonl"), "utf8")).toMatch(/"type":"yielded".*"found":1024/);
    const journal = fakeIO(); // managed again: the yield is history, not a contradiction
    await live.run(["journal", "--state-dir", stateDir], journal);
    expect(journal.out()).toMatch(/read-ahead-kb +sda .* 1024 +256/);
    expect(journal.out()).not.toMatch(/Yielded/);
    expect(await live.run(["revert", "--state-dir", stateDir], fakeIO())).toBe(0);
    expect(await fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("1024\n");
  });

  it("--revert-on-exit holds the changes until the signal, then restores them", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "kvm-2cpu"));
    const before = fs.snapshot();
    let heldValue = "";
    const live = createLiveCommand({
      fs,
      runner: new FixtureRunner("kvm-2cpu"),
      isRoot: true,
      waitForExit: async () => {
        heldValue = await fs.readText("/proc/sys/net/core/somaxconn");
        return "SIGTERM";
      },
    });
    const io = fakeIO();
    expect(
      await live.run(
        ["apply", "--yes", "--revert-on-exit", "--set", "somaxconn=8192", "--state-dir", temp("tt-state-")],
        io,
      ),
    ).toBe(0);
    expect(heldValue).toBe("8192\n");
    expect(io.out()).toMatch(/SIGTERM: restored 1 of 1 change/);
    expect(fs.snapshot()).toEqual(before);
  });

  it("--revert-on-exit leaves a knob someone changed meanwhile as they set it, and that is not a failure", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "kvm-2cpu"));
    const live = createLiveCommand({
      fs,
      runner: new FixtureRunner("kvm-2cpu"),
      isRoot: true,
      waitForExit: async () => {
        await fs.writeText("/proc/sys/net/core/somaxconn", "2048"); // the admin, while twintune holds
        return "SIGTERM";
      },
    });
    const io = fakeIO();
    const args = ["apply", "--yes", "--revert-on-exit", "--set", "somaxconn=8192", "--state-dir", temp("tt-state-")];
    expect(await live.run(args, io)).toBe(0);
    expect(io.out()).toMatch(/somaxconn on host: .*left as is\n/);
    expect(io.out()).toMatch(/SIGTERM: restored 0 of 1 change\(s\); 1 changed by someone else, left as is\./);
    expect(io.err()).toBe("");
    expect(await fs.readText("/proc/sys/net/core/somaxconn")).toBe("2048\n");
  });

  it.skipIf(!isRoot)(
    "a closed output does not stop --revert-on-exit from holding and then restoring (twintune live apply ... | true)",
    async () => {
      const root = temp("tt-root-");
      // verbatimSymlinks: the tree's relative links (/sys/block/sda -> ../devices/...) stay inside it.
      cpSync(join(FIXTURES, "numa-2node-smt"), root, { recursive: true, verbatimSymlinks: true });
      const knob = join(root, "sys/block/sda/queue/read_ahead_kb");
      const args = ["live", "apply", "--yes", "--revert-on-exit", "--root", root, "--interval", "1"];
      const child = spawnCli([...args, "--set", "read-ahead-kb@sda=512", "--state-dir", temp("tt-state-")]);
      // The reader goes away at once: "Holding them until SIGINT..." meets EPIPE.
      child.stdout?.destroy();
      let stderr = "";
      child.stderr?.on("data", (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      const deadline = Date.now() + 30_000;
      const value = () => readFileSync(knob, "utf8").trim();
      while (value() !== "512" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(value()).toBe("512");
      // The signal is caught from before the first write, so it can come now; the pipe closed
      // under "Holding them..." must not have ended the process meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(child.exitCode).toBeNull();
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(value()).toBe("128");
      expect(stderr).toBe("");
    },
    40_000,
  );

  it("a file it may not write: exit 77 naming the knob and the path, nothing written", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    fs.denied.add("/sys/block/sda/queue/read_ahead_kb");
    const io = fakeIO();
    const live = createLiveCommand({ fs, runner: new FixtureRunner("numa-2node-smt"), isRoot: true });
    const error = await live
      .run(
        [
          "apply",
          "--yes",
          "--device",
          "sda",
          "--set",
          "io-scheduler=bfq",
          "--set",
          "read-ahead-kb=4096",
          "--state-dir",
          temp("tt-state-"),
        ],
        io,
      )
      .catch((e) => e);
    expect(error.exitCode).toBe(77);
    expect(error.message).toMatch(/read-ahead-kb on sda: cannot write \/sys\/block\/sda\/queue\/read_ahead_kb/);
    expect(fs.writes).toEqual([]);
  });

  it.skipIf(nobodyBlocked !== undefined)(
    asNobody("not root: exit 77 naming the knob and the path; nothing changed, no journal (as user nobody)"),
    () => {
      const disk = readdirSync("/sys/block").find(
        (name) =>
          existsSync(`/sys/block/${name}/queue/read_ahead_kb`) &&
          Number(readFileSync(`/sys/block/${name}/size`, "utf8")) > 0,
      );
      expect(disk).toBeDefined();
      const path = `/sys/block/${disk}/queue/read_ahead_kb`;
      const before = readFileSync(path, "utf8");
      const parent = temp("tt-state-");
      chmodSync(parent, 0o777); // so the check is about the kernel file, not the state directory
      const stateDir = join(parent, "state");
      const wanted = Number(before) === 4096 ? 2048 : 4096;
      const result = runCli(
        [
          "live",
          "apply",
          "--yes",
          "--device",
          disk as string,
          "--set",
          `read-ahead-kb=${wanted}`,
          "--state-dir",
          stateDir,
        ],
        { uid: 65534 },
      );
      expect(result.status).toBe(77);
      expect(result.stderr).toContain(`read-ahead-kb on ${disk}: cannot write ${path}`);
      expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
      expect(readFileSync(path, "utf8")).toBe(before);
      expect(existsSync(stateDir)).toBe(false);
    },
  );
});

describe.skipIf(nobodyBlocked !== undefined)("a state directory the user may not read (as user nobody)", () => {
  it(asNobody("exits 77 naming the journal, not an internal error"), () => {
    const stateDir = join(temp("tt-state-"), "state"); // the parent is 0700 root
    const result = runCli(["live", "journal", "--state-dir", stateDir], { uid: 65534 });
    expect(result.status).toBe(77);
    expect(result.stderr).toContain(`not permitted: cannot read ${stateDir}/journal.jsonl: permission denied`);
  });
});

describe("twintune live usage", () => {
  it("each subcommand has its own --help; an unknown one is a usage error", async () => {
    const help = fakeIO();
    expect(await main(["live", "recover", "--help"], help)).toBe(0);
    expect(help.out()).toMatch(/^Usage: twintune live recover/);
    const top = fakeIO();
    expect(await main(["live", "--help"], top)).toBe(0);
    expect(top.out()).toMatch(/status +topology, current knob values/);
    // Options first is the implicit plan: its help, not an unknown option.
    const implicit = fakeIO();
    expect(await main(["live", "--device", "sda", "--help"], implicit)).toBe(0);
    expect(implicit.out()).toMatch(/^Usage: twintune live plan/);
    const bad = fakeIO();
    expect(await main(["live", "frob"], bad)).toBe(2);
    expect(bad.err()).toMatch(/unknown live subcommand 'frob'/);
    const flag = fakeIO();
    expect(await main(["live", "apply", "--set", "nope=1"], flag)).toBe(2);
    expect(flag.err()).toMatch(/--set: no knob 'nope'/);
  });
});
