import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalRef } from "../../live/live-backend.js";
import { explicitChanges } from "../../src/cli/commands/live/live-changes.js";
import type { LiveDeps } from "../../src/cli/commands/live/live-context.js";
import { createLiveCommand } from "../../src/cli/commands/live.js";
import { UsageError, UserError } from "../../src/cli/errors.js";
import { main } from "../../src/cli/main.js";
import { FakeHostFs } from "../helpers/fake-host-fs.js";
import { fakeIO } from "../helpers/fake-io.js";
import { FIXTURES, FixtureRunner } from "../helpers/fixture-runner.js";
import { tempFolders } from "../helpers/temp-folders.js";

const temp = tempFolders();

/** A network namespace directory holding `names` (what 'ip netns add' leaves in /run/netns). */
function netnsDir(...names: string[]): string {
  const dir = join(temp("tt-netns-"), "netns");
  mkdirSync(dir);
  for (const name of names) writeFileSync(join(dir, name), "");
  return dir;
}

/** Runs `twintune live ARGS` on the fixture host the way main prints it: exit code, stdout, stderr. */
async function live(args: string[], deps: Partial<LiveDeps> = {}, fs?: FakeHostFs) {
  const host = fs ?? (await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt")));
  const command = createLiveCommand({
    fs: host,
    runner: new FixtureRunner("numa-2node-smt"),
    isRoot: true,
    netnsDir: netnsDir(),
    ...deps,
  });
  const io = fakeIO();
  let code: number;
  try {
    code = await command.run([...args, "--state-dir", join(temp("tt-state-"), "state")], io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`twintune: ${error.message}\n${error.hint ?? "Run 'twintune live --help' for its usage."}\n`);
      code = 2;
    } else if (error instanceof UserError) {
      io.stderr.write(`twintune: ${error.message}\n`);
      code = error.exitCode;
    } else throw error;
  }
  return { code, out: io.out(), err: io.err(), writes: host.writes };
}

describe("live plan/apply: a --device or --netns that does not exist is an error", () => {
  it("--device nope names it and the disks there, and plans nothing", async () => {
    for (const sub of ["plan", "apply"]) {
      const result = await live([sub, "--device", "nope", "--interval", "1"]);
      expect(result.code).toBe(2);
      expect(result.out).toBe("");
      expect(result.err).toMatch(/^twintune: --device: no disk 'nope' here \(disks: nvme0n1, sda, sdb\)\n/);
    }
  });

  it("a --device that exists still plans", async () => {
    const result = await live(["plan", "--device", "sda", "--set", "io-scheduler=bfq"]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/io-scheduler +sda +mq-deadline +bfq/);
    const rules = await live(["plan", "--device", "sdb", "--interval", "1"]);
    expect(rules.code).toBe(0);
    expect(rules.out).toMatch(/\n {2}sdb \(/);
    expect(rules.out).not.toMatch(/\n {2}(sda|nvme0n1) \(/); // what the rules looked at: that disk only
  });

  it("--netns nope names the namespace and the ones that exist; nothing is planned for it", async () => {
    const result = await live(["plan", "--netns", "nope", "--interval", "1"], { netnsDir: netnsDir("ns1", "ns2") });
    expect(result.code).toBe(2);
    expect(result.out).toBe("");
    expect(result.err).toMatch(
      /^twintune: --netns: no network namespace 'nope' \(no .*\/nope; namespaces here: ns1, ns2\)/,
    );
    const none = await live(["plan", "--netns", "nope", "--interval", "1"]);
    expect(none.err).toMatch(/no network namespace 'nope' .*there are none/);
    const bad = await live(["plan", "--netns", "../etc", "--interval", "1"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--netns: '\.\.\/etc' is not a network namespace name/);
  });

  it("a namespace named by --set KNOB@NS is checked the same way", async () => {
    const result = await live(["plan", "--set", "somaxconn@nope=8192"]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^twintune: --set somaxconn@nope=8192: no network namespace 'nope'/);
  });

  it("a namespace whose settings cannot be read (no nsenter, not root) is said so, not planned as fine", async () => {
    const result = await live(["plan", "--netns", "ns1", "--only", "tcp-sack", "--interval", "1"], {
      netnsDir: netnsDir("ns1"),
    });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^No changes planned: network namespace ns1 could not be read \(see below\)\./);
    expect(result.out).toMatch(
      /network namespace ns1: its settings could not be read \(.*nsenter.*\), so nothing is planned for it/,
    );
    expect(result.out).not.toMatch(/find this host's knobs as they would set them/);
  });

  it("an existing namespace is accepted", async () => {
    const result = await live(["plan", "--netns", "ns1", "--interval", "1"], { netnsDir: netnsDir("ns1") });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/\(network namespace ns1\)/);
  });
});

describe("live plan/apply --set: what the user asked for exactly", () => {
  it("a value out of bounds is a usage error naming the knob, the value and the range, before any output", async () => {
    for (const sub of ["plan", "apply"]) {
      const result = await live([sub, "--set", "somaxconn=-1"]);
      expect(result.code).toBe(2);
      expect(result.out).toBe("");
      expect(result.err).toMatch(
        /^twintune: --set somaxconn=-1: somaxconn on host: value -1 is outside \[1, 65535\]\nRun 'twintune live (plan|apply) --help'/,
      );
      expect(result.writes).toEqual([]);
    }
  });

  it("a value the host does not offer is a usage error too; a target that does not exist is exit 1", async () => {
    const scheduler = await live(["plan", "--set", "io-scheduler@sda=fifo"]);
    expect(scheduler.code).toBe(2);
    expect(scheduler.err).toMatch(/--set io-scheduler@sda=fifo: io-scheduler on sda: .*'fifo'/);
    const target = await live(["plan", "--set", "io-scheduler@nope=bfq"]);
    expect(target.code).toBe(1);
    expect(target.out).toBe("");
    expect(target.err).toMatch(/^twintune: --set io-scheduler@nope=bfq: io-scheduler on nope: not offered here/);
  });

  it("with --set the rules are not used, and the message for an empty plan says so", async () => {
    const fs = await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt"));
    fs.denied.add("/sys/block/sda/queue/read_ahead_kb");
    const denied = await live(["plan", "--set", "read-ahead-kb@sda=512"], {}, fs);
    expect(denied.code).toBe(0);
    expect(denied.out).toMatch(
      /^No changes: none of the --set changes can be made here \(see below\)\.\nnot applicable: /,
    );
    expect(denied.out).not.toMatch(/the rules/);
    const filtered = await live(["plan", "--set", "somaxconn=8192", "--only", "tcp-sack"]);
    expect(filtered.out).toMatch(/^No changes: --only or --device leaves out every --set change\./);
    expect(filtered.out).not.toMatch(/the rules/);
  });
});

describe("live --set stays where --netns and --pid say", () => {
  it("a --set aimed at the host or another namespace under --netns is refused before any write", async () => {
    for (const sub of ["plan", "apply"]) {
      const result = await live(
        [sub, "--yes", "--netns", "ns1", "--set", "tcp-sack@host=0"].filter((a) => sub === "apply" || a !== "--yes"),
        {
          netnsDir: netnsDir("ns1"),
        },
      );
      expect(result.code).toBe(2);
      expect(result.err).toMatch(
        /^twintune: --set tcp-sack@host=0: --netns ns1 limits network knobs to that namespace, and this one is for the host/,
      );
      expect(result.writes).toEqual([]);
    }
  });

  it("a process knob aimed at another pid under --pid is refused", async () => {
    const result = await live(["plan", "--pid", String(process.pid), "--set", "cpu-affinity@pid:1=0"]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--pid \d+ limits process knobs to that process, and this one is for pid:1/);
  });

  it("a disk named by its /dev path is a usage error that names it as /sys/block does", async () => {
    const result = await live(["plan", "--set", "read-ahead-kb@/dev/sda=512"]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/name the disk as \/sys\/block does \('sda'\), not by its \/dev path/);
  });

  it("a cgroup has one spelling: trailing and doubled slashes go", () => {
    const [change] = explicitChanges({ set: ["cpuset-cpus@/sys/fs/cgroup//cpuset/g/=1"] });
    expect(change?.knob.target).toBe("/sys/fs/cgroup/cpuset/g");
    // The backend spells it so too, for any caller of twintune/live, not only the CLI.
    expect(canonicalRef({ knob: "cpuset-mems", target: "/sys/fs/cgroup/cpuset/g//" }).target).toBe(
      "/sys/fs/cgroup/cpuset/g",
    );
    expect(canonicalRef({ knob: "read-ahead-kb", target: "sda" }).target).toBe("sda");
  });
});

describe("live subcommands: a usage mistake points at the subcommand's own help", () => {
  it("--interval abc names the subcommand whose help lists --interval", async () => {
    for (const [argv, sub] of [
      [["live", "status", "--interval", "abc"], "status"],
      [["live", "plan", "--interval", "abc"], "plan"],
      [["live", "--interval", "abc"], "plan"],
      [["live", "apply", "--interval", "abc"], "apply"],
      [["live", "plan", "--workload", "bursty"], "plan"],
      [["live", "apply", "--pid", "x"], "apply"],
    ] as const) {
      const io = fakeIO();
      expect(await main([...argv], io)).toBe(2);
      expect(io.err()).toMatch(new RegExp(`\\nRun 'twintune live ${sub} --help' for its options\\.\\n$`));
      const help = fakeIO();
      expect(await main(["live", sub, "--help"], help)).toBe(0);
      expect(help.out()).toMatch(new RegExp(`^Usage: twintune live ${sub}`));
    }
  });
});

describe("live journal, revert, recover --help", () => {
  it("lists every option the command accepts, --root included", async () => {
    for (const sub of ["journal", "revert", "recover"]) {
      const help = fakeIO();
      expect(await main(["live", sub, "--help"], help)).toBe(0);
      for (const flag of ["--json", "--state-dir DIR", "--root DIR"]) expect(help.out(), sub).toContain(flag);
      expect(help.out()).toMatch(/\n {2}--root DIR {7}\S/);
    }
  });

  it("a --root that is not a folder is named as the flag it came from", async () => {
    const io = fakeIO();
    expect(await main(["live", "status", "--root", "/nonexistent-twintune-root", "--interval", "1"], io)).toBe(2);
    expect(io.err()).toMatch(
      /^twintune: --root \/nonexistent-twintune-root: no such folder \(expected a host tree with proc\/ and sys\/\)\n/,
    );
  });

  it("a --pid that is not there is named as such; a state directory it cannot use says how to choose another", async () => {
    const gone = await live(["plan", "--pid", "999999", "--set", "cpu-affinity=0-1"]);
    expect(gone.code).toBe(2);
    expect(gone.err).toMatch(/^twintune: --pid 999999: no process with pid 999999\n/);
    const file = join(temp("tt-state-"), "a-file");
    writeFileSync(file, "");
    const io = fakeIO();
    const args = ["live", "journal", "--state-dir", join(file, "state")];
    expect(await main(args, io)).toBe(1);
    expect(io.err()).toMatch(
      /journal\.jsonl: .*\(the journal's folder: give --state-dir DIR or TWINTUNE_STATE_DIR where you may write\)\n$/,
    );
  });

  it("journal --root reads the same journal as without it (the journal lives in --state-dir)", async () => {
    const stateDir = temp("tt-state-");
    const plain = fakeIO();
    const withRoot = fakeIO();
    expect(await main(["live", "journal", "--json", "--state-dir", stateDir], plain)).toBe(0);
    expect(
      await main(
        ["live", "journal", "--json", "--state-dir", stateDir, "--root", join(FIXTURES, "numa-2node-smt")],
        withRoot,
      ),
    ).toBe(0);
    expect(withRoot.out()).toBe(plain.out());
  });
});

describe("a journal that cannot be read", () => {
  it("stops every live command with the line at fault and what fixing it costs", async () => {
    const state = join(temp("tt-state-"), "state");
    mkdirSync(state);
    writeFileSync(join(state, "journal.jsonl"), '{"type":"weird"}\n');
    const command = createLiveCommand({
      fs: await FakeHostFs.fromFixture(join(FIXTURES, "numa-2node-smt")),
      runner: new FixtureRunner("numa-2node-smt"),
      isRoot: true,
      netnsDir: netnsDir(),
    });
    const error = await command.run(["status", "--state-dir", state], fakeIO()).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(
      /journal\.jsonl:1: unknown record version \(expected v 1\): twintune's journal cannot be read, so it will not touch this host\. .*move the file aside to start afresh/,
    );
  });
});
