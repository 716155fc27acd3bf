import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { JournalRootError, LeftoverJournalError } from "../../live/errors.js";
import { Journal } from "../../live/journal/journal.js";
import { parseJournal } from "../../live/journal/journal-record.js";
import { JournalBusyError, JournalLock } from "../../live/journal/lock.js";
import { stateDirectory } from "../../live/journal/state-dir.js";
import { LiveBackend } from "../../live/live-backend.js";
import { processStartTicks } from "../../live/process-identity.js";
import { change, harness } from "../helpers/live-harness.js";

/** tsx by absolute URL, so a child process runs the TypeScript sources. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), "twintune-journal-"));
  dirs.push(dir);
  return dir;
};

describe("the state directory", () => {
  it("is /var/lib/twintune for root, $XDG_STATE_HOME/twintune otherwise, and can be overridden", () => {
    expect(stateDirectory({}, 0)).toBe("/var/lib/twintune");
    expect(stateDirectory({ XDG_STATE_HOME: "/x/state" }, 1000)).toBe("/x/state/twintune");
    expect(stateDirectory({ HOME: "/home/ann" }, 1000)).toBe("/home/ann/.local/state/twintune");
    expect(stateDirectory({ TWINTUNE_STATE_DIR: "/t" }, 0)).toBe("/t");
    expect(stateDirectory({ TWINTUNE_STATE_DIR: "/t" }, 0, "/flag")).toBe("/flag");
  });
});

describe("the journal file", () => {
  it("every record is on disk when append returns; the state replays them", async () => {
    const dir = temp();
    const journal = await Journal.open(dir, () => 5, "s1");
    await journal.append({ type: "begin", pid: 1, command: "apply" });
    await journal.append({
      type: "original",
      knob: { knob: "somaxconn", target: "host" },
      path: "/proc/sys/net/core/somaxconn",
      original: 4096,
      intended: 8192,
    });
    const onDisk = readFileSync(join(dir, "journal.jsonl"), "utf8").trim().split("\n");
    expect(onDisk).toHaveLength(2);
    expect(JSON.parse(onDisk[1] as string)).toMatchObject({
      v: 1,
      at: 5,
      session: "s1",
      type: "original",
      original: 4096,
    });
    const state = (await Journal.open(dir, () => 6, "s2")).state();
    expect(state.interrupted.map((r) => r.session)).toEqual(["s1"]);
    expect(state.managed[0]?.intended).toBe(8192);
    expect(state.managed[0]?.lastWritten).toBeUndefined();
  });

  it("a last line cut short by a crash is dropped; a bad line elsewhere is an error naming it", () => {
    const good = '{"v":1,"at":1,"session":"s","type":"begin","pid":1,"command":"apply"}';
    const parsed = parseJournal(`${good}\n{"v":1,"at":2,"sess`, "/j");
    expect(parsed.ok && parsed.value.length).toBe(1);
    const bad = parseJournal(`${good}\nnot json\n${good}\n`, "/var/lib/twintune/journal.jsonl");
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.message).toBe("/var/lib/twintune/journal.jsonl:2: not a JSON record");
    const wrong = parseJournal('{"v":1,"at":1,"session":"s","type":"written"}\n', "/j");
    expect(!wrong.ok && wrong.error.detail).toMatch(/written without knob or value/);
    // JSON reads 1e400 as Infinity: no knob holds that, so the line is named, not restored.
    const knob = '"knob":{"knob":"read-ahead-kb","target":"sda"}';
    const huge = parseJournal(`${good}\n{"v":1,"at":2,"session":"s","type":"written",${knob},"value":1e400}\n`, "/j");
    expect(!huge.ok && huge.error.message).toMatch(/^\/j:2: written's value is not a knob value/);
    const original = `{"v":1,"at":2,"session":"s","type":"original",${knob},"path":"/p","original":null,"intended":512}`;
    expect(parseJournal(`${original}\n`, "/j").ok).toBe(false);
  });

  it("appending after a torn last line drops the torn part first, so the journal stays readable", async () => {
    const dir = temp();
    const good = '{"v":1,"at":1,"session":"s","type":"begin","pid":1,"command":"apply"}';
    writeFileSync(join(dir, "journal.jsonl"), `${good}\n{"v":1,"at":2,"session":"s","type":"orig`);
    const journal = await Journal.open(dir, () => 3, "s2");
    await journal.append({ type: "begin", pid: 2, command: "apply" });
    const text = readFileSync(join(dir, "journal.jsonl"), "utf8");
    expect(text.split("\n").filter((line) => line !== "")).toHaveLength(2);
    expect(text.endsWith("\n")).toBe(true);
    const again = await Journal.open(dir, () => 4, "s3");
    expect(again.all().map((record) => record.session)).toEqual(["s", "s2"]);
  });

  it("a malformed journal refuses to open, naming file and line", async () => {
    const dir = temp();
    writeFileSync(join(dir, "journal.jsonl"), "{}\n");
    await expect(Journal.open(dir, () => 0, "s")).rejects.toThrow(/journal\.jsonl:1: unknown record version/);
  });
});

describe.skipIf(process.geteuid?.() === 0)("an unreadable state directory", () => {
  it("is a HostFsError naming the journal, not a crash (skipped as root: root reads everything)", async () => {
    const dir = temp();
    writeFileSync(join(dir, "journal.jsonl"), "");
    chmodSync(join(dir, "journal.jsonl"), 0o000);
    await expect(Journal.open(dir, () => 0, "s")).rejects.toThrow(/cannot read .*journal\.jsonl: permission denied/);
  });
});

describe("the lock", () => {
  it("is exclusive while its holder lives and taken over when the holder is gone", async () => {
    const dir = temp();
    writeFileSync(join(dir, "lock"), `${process.ppid}\n`); // a live process that is not us
    await expect(JournalLock.acquire(dir)).rejects.toThrow(JournalBusyError);
    writeFileSync(join(dir, "lock"), "999999999\n"); // no such process
    const lock = await JournalLock.acquire(dir);
    expect(readFileSync(join(dir, "lock"), "utf8")).toBe(`${process.pid} ${processStartTicks(process.pid)}\n`);
    await lock.release();
  });

  it("a lock whose pid now belongs to another process (its start time differs) is stale and taken over", async () => {
    const dir = temp();
    const parent = processStartTicks(process.ppid);
    if (parent === undefined) throw new Error("no /proc here");
    writeFileSync(join(dir, "lock"), `${process.ppid} ${parent}\n`); // the same process: busy
    await expect(JournalLock.acquire(dir)).rejects.toThrow(JournalBusyError);
    writeFileSync(join(dir, "lock"), `${process.ppid} ${parent + 1}\n`); // that pid, another start: reused
    const lock = await JournalLock.acquire(dir);
    await lock.release();
  });
});

describe("the lock under contention", () => {
  it("is held by one process at a time when several race for it, breaking stale locks among them (6 processes x 25 rounds, every fifth hold left stale)", async () => {
    const dir = temp();
    const log = join(dir, "holders.log");
    writeFileSync(join(dir, "lock"), "999999999\n"); // a stale lock for the first ones to fight over
    const children = Array.from({ length: 6 }, () =>
      spawn(
        process.execPath,
        ["--import", TSX, join(import.meta.dirname, "../helpers/lock-contender.ts"), dir, log, "25"],
        {
          stdio: ["ignore", "ignore", "pipe"],
        },
      ),
    );
    const codes = await Promise.all(
      children.map(
        (child) =>
          new Promise<number | null>((resolve) => {
            child.stderr?.resume();
            child.once("exit", resolve);
          }),
      ),
    );
    expect(codes).toEqual(children.map(() => 0));
    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines).toHaveLength(6 * 25 * 2);
    // Every "in" is followed by the same process's "out" before anyone else's "in".
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]).toMatch(/^in \d+$/);
      expect(lines[i + 1]).toBe((lines[i] as string).replace("in", "out"));
    }
    // No private or breaker file left; the last holder left its lock stale (its 25th round).
    expect(readdirSync(dir).sort()).toEqual(["holders.log", "lock"]);
    expect(readFileSync(join(dir, "lock"), "utf8")).toBe("999999999\n");
  }, 60_000);

  it("release removes only its own lock; this process's own live lock is busy; a dead run's private file is swept", async () => {
    const dir = temp();
    const lock = await JournalLock.acquire(dir);
    // Held by this very process (same pid and start time): busy, not stale.
    await expect(JournalLock.acquire(dir)).rejects.toThrow(JournalBusyError);
    rmSync(join(dir, "lock"));
    writeFileSync(join(dir, "lock"), `${process.ppid}\n`); // someone else's now
    await lock.release();
    expect(readFileSync(join(dir, "lock"), "utf8")).toBe(`${process.ppid}\n`);
    writeFileSync(join(dir, "lock"), "999999999\n"); // stale
    writeFileSync(join(dir, "lock.999999997.0123abcd"), "999999997\n"); // a dead run's private file
    const next = await JournalLock.acquire(dir);
    expect(readdirSync(dir).sort()).toEqual(["lock"]);
    await next.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a stale lock is cleared by one run at a time: while another holds the breaker, it is left and said so", async () => {
    const dir = temp();
    writeFileSync(join(dir, "lock"), "999999999\n");
    const id = createHash("sha256")
      .update(join(realpathSync(dir), "lock"))
      .digest("hex")
      .slice(0, 32);
    const breaker = spawn(
      process.execPath,
      ["-e", `require("node:net").createServer().listen("\\0twintune-lock-breaker-${id}", () => console.log("bound"))`],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    try {
      await new Promise((resolve) => breaker.stdout?.once("data", resolve));
      const error = await JournalLock.acquire(dir).catch((e) => e);
      expect(error).toBeInstanceOf(JournalBusyError);
      expect(error.message).toMatch(/another twintune is clearing a stale lock left by a killed run; try again/);
      expect(readFileSync(join(dir, "lock"), "utf8")).toBe("999999999\n");
    } finally {
      breaker.kill();
      await new Promise((resolve) => breaker.once("exit", resolve));
    }
    // The breaker's process gone, the kernel has freed its socket: the stale lock is cleared.
    const lock = await JournalLock.acquire(dir);
    await lock.release();
  });

  it("a lock file that names no process (an older twintune's, or one cut short by a full disk) holds nobody", async () => {
    const dir = temp();
    writeFileSync(join(dir, "lock"), "");
    const lock = await JournalLock.acquire(dir);
    await lock.release();
  });
});

/** A fixture host where `live apply --root /trees/a --set read-ahead-kb@sda=512` ran; `open(root)` opens it again. */
async function appliedUnderTreeA() {
  const h = await harness();
  const open = (root: string) =>
    LiveBackend.open({ fs: h.fs, runner: h.runner, stateDir: h.stateDir, isRoot: true, root });
  const a = await open("/trees/a");
  await a.apply(change("read-ahead-kb", "sda", 512));
  await a.close();
  return { h, open };
}

describe("a journal belongs to one host tree and knows a running session from a crashed one", () => {
  it("changes made under --root A are not restored under --root B (nor on the real host)", async () => {
    const { h, open } = await appliedUnderTreeA();
    try {
      expect(JSON.parse(h.journalText().split("\n")[0] as string)).toMatchObject({ type: "begin", root: "/trees/a" });
      const applied = h.fs.snapshot();
      for (const other of ["/trees/b", "/"]) {
        const b = await open(other);
        await expect(b.revertAll()).rejects.toThrow(JournalRootError);
        await expect(b.apply(change("read-ahead-kb", "sdb", 256))).rejects.toThrow(
          /holds changes made to --root \/trees\/a, not to .*: run with --root \/trees\/a, or give this tree its own --state-dir/,
        );
        expect(h.fs.snapshot()).toEqual(applied);
      }
      const again = await open("/trees/a");
      expect((await again.revertAll()).map((outcome) => outcome.status)).toEqual(["restored"]);
    } finally {
      h.cleanup();
    }
  });

  it("recover --discard from another tree is refused too; a journal from before trees were recorded stays the real host's", async () => {
    const { h, open } = await appliedUnderTreeA();
    try {
      await expect((await open("/trees/b")).discardJournal()).rejects.toThrow(JournalRootError);
      expect(h.journalText()).toMatch(/"root":"\/trees\/a"/);
      // An older journal: its begin has no root.
      writeFileSync(join(h.stateDir, "journal.jsonl"), h.journalText().replace(',"root":"/trees/a"', ""));
      await expect((await open("/trees/a")).revertAll()).rejects.toThrow(
        /from an older twintune that did not record their host tree.*'twintune live recover --discard' \(no --root\)/,
      );
      expect((await (await open("/")).revertAll()).map((outcome) => outcome.status)).toEqual(["restored"]);
    } finally {
      h.cleanup();
    }
  });

  it("an open session with this process's own pid, or any other once the lock is held, is a crashed one", async () => {
    const h = await harness();
    try {
      const begin = { v: 1, at: 1, session: "earlier", type: "begin", pid: process.pid, command: "apply" };
      writeFileSync(join(h.stateDir, "journal.jsonl"), `${JSON.stringify(begin)}\n`);
      const backend = await h.open();
      expect(backend.journalState()).toMatchObject({ running: [], interrupted: [{ session: "earlier" }] });
      await expect(backend.apply(change("read-ahead-kb", "sda", 512))).rejects.toThrow(LeftoverJournalError);
      const outcomes = await backend.recover();
      expect(outcomes).toEqual([]);
      await backend.close("reverted");
      expect((await h.open()).journalState().interrupted).toEqual([]);
    } finally {
      h.cleanup();
    }
  });

  it("a run that ended after this one opened the journal is not taken for an interrupted one", async () => {
    const h = await harness();
    try {
      const sleeper = spawn("sleep", ["30"]);
      const begin = { v: 1, at: 1, session: "other", type: "begin", pid: sleeper.pid, command: "apply" };
      writeFileSync(join(h.stateDir, "journal.jsonl"), `${JSON.stringify(begin)}\n`);
      const backend = await h.open(); // reads the other run's open session
      const end = { v: 1, at: 2, session: "other", type: "end", outcome: "completed" };
      writeFileSync(join(h.stateDir, "journal.jsonl"), `${JSON.stringify(begin)}\n${JSON.stringify(end)}\n`);
      sleeper.kill("SIGKILL"); // ...which then ended cleanly, and its process is gone
      await new Promise((resolve) => sleeper.on("exit", resolve));
      expect(await backend.leftover()).toBeUndefined();
      await backend.apply(change("read-ahead-kb", "sda", 512));
      await backend.close();
    } finally {
      h.cleanup();
    }
  });

  it("a session whose process is alive is running (wait for it), not interrupted (recover)", async () => {
    const h = await harness();
    const sleeper = spawn("sleep", ["30"]);
    try {
      const begin = { v: 1, at: 1, session: "other", type: "begin", pid: sleeper.pid, command: "apply" };
      writeFileSync(join(h.stateDir, "journal.jsonl"), `${JSON.stringify(begin)}\n`);
      writeFileSync(join(h.stateDir, "lock"), `${sleeper.pid}\n`); // a running run holds the lock
      const backend = await h.open();
      expect(backend.journalState()).toMatchObject({ running: [{ pid: sleeper.pid }], interrupted: [] });
      expect(await backend.leftover()).toBeInstanceOf(JournalBusyError);
      await expect(backend.apply(change("read-ahead-kb", "sda", 512))).rejects.toThrow(JournalBusyError);
      sleeper.kill("SIGKILL");
      await new Promise((resolve) => sleeper.on("exit", resolve));
      const later = await h.open();
      expect(later.journalState()).toMatchObject({ running: [], interrupted: [{ pid: sleeper.pid }] });
      await expect(later.apply(change("read-ahead-kb", "sda", 512))).rejects.toThrow(LeftoverJournalError);
    } finally {
      sleeper.kill("SIGKILL");
      h.cleanup();
    }
  });
});
