import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KnobVerifyError, LeftoverJournalError } from "../../live/errors.js";
import { KnobConflictError, KnobPermissionError, KnobUnavailableError, KnobValueError } from "../../src/backend.js";
import { change, type Harness, harness } from "../helpers/live-harness.js";

let h: Harness;
afterEach(() => h?.cleanup());

const SDA = "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda";

describe("set with a dry run returns the normalized value and writes nothing", () => {
  it("normalizes: the deadline alias, read-ahead in whole pages, CPU lists sorted", async () => {
    h = await harness();
    const backend = await h.open();
    const receipts = await backend.applyAll(
      [
        change("io-scheduler", "sdb", "deadline"),
        change("io-scheduler", "sda", "bfq"),
        change("read-ahead-kb", "sda", 130),
      ],
      { dryRun: true },
    );
    expect(receipts.map((r) => [r.change.knob.knob, r.previous, r.applied, r.dryRun])).toEqual([
      ["io-scheduler", "mq-deadline", "mq-deadline", true],
      ["io-scheduler", "mq-deadline", "bfq", true],
      ["read-ahead-kb", 128, 128, true],
    ]);
    expect(h.fs.writes).toEqual([]);
    expect(h.journalText()).toBe("");
  });

  it("refuses out-of-bounds values before any write, naming what was expected", async () => {
    h = await harness("kvm-2cpu");
    const backend = await h.open();
    const refused = [
      change("tcp-rmem", "host", [4096, 4096, 6291456]),
      change("tcp-rmem", "host", [4096, 131072, 2 ** 31]),
      change("tcp-wmem", "host", [4096, 16384]),
      change("tcp-sack", "host", 2),
      change("somaxconn", "host", 70000),
      change("io-scheduler", "vda", "cfq"),
      change("nr-requests", "vda", 4096),
    ];
    const messages: string[] = [];
    for (const c of refused) {
      const error = await backend.apply(c).catch((e) => e);
      expect(error, JSON.stringify(c.to)).toBeInstanceOf(KnobValueError);
      messages.push(error.message);
    }
    expect(messages[0]).toMatch(/strictly increasing/);
    expect(messages[1]).toMatch(/max 2147483648 is outside \[4096, 1073741824\]/);
    expect(messages[5]).toMatch(/pre-5\.0 scheduler: use 'bfq'/);
    expect(messages[6]).toMatch(/nr_requests 4096 is outside \[4, 2048\]/);
    expect(h.fs.writes).toEqual([]);
    await backend.close();
  });

  it("nr_requests with `none` is bounded by the hardware tags, checked against the batch's pending scheduler", async () => {
    h = await harness();
    const backend = await h.open();
    // sda has 32 tags: with mq-deadline 64 is fine, after a switch to none in the same batch it is not.
    await expect(backend.applyAll([change("nr-requests", "sda", 64)], { dryRun: true })).resolves.toHaveLength(1);
    const error = await backend
      .applyAll([change("io-scheduler", "sda", "none"), change("nr-requests", "sda", 64)], { dryRun: true })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KnobValueError);
    expect(error.message).toMatch(/outside \[4, 32\]/);
  });
});

describe("the journal, verification and yielding", () => {
  it("appends and fsyncs the original before the first write", async () => {
    h = await harness();
    let seenAtHook: { journal: string; value: string } | undefined;
    const backend = await h.open({
      afterJournal: async () => {
        seenAtHook = { journal: h.journalText(), value: await h.fs.readText("/sys/block/sda/queue/read_ahead_kb") };
      },
    });
    await backend.apply(change("read-ahead-kb", "sda", 4096));
    expect(seenAtHook?.value).toBe("128\n");
    const records = seenAtHook?.journal
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(records?.map((r) => r.type)).toEqual(["begin", "original"]);
    expect(records?.[1]).toMatchObject({
      knob: { knob: "read-ahead-kb", target: "sda" },
      path: "/sys/block/sda/queue/read_ahead_kb",
      original: 128,
      intended: 4096,
    });
    expect(await h.fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("4096\n");
    await backend.close();
  });

  it("a write that reads back differently is reported and undone", async () => {
    h = await harness();
    h.fs.ignored.add("/sys/block/sda/queue/read_ahead_kb");
    const backend = await h.open();
    const error = await backend.apply(change("read-ahead-kb", "sda", 4096)).catch((e) => e);
    expect(error).toBeInstanceOf(KnobVerifyError);
    expect(error.message).toMatch(/reads back 128/);
    expect(backend.journalState().managed).toEqual([]);
    expect(await h.fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("128\n");
    await backend.close();
  });

  it("a write the device clamps is reported, and the original written back (the undo, not a vanished write)", async () => {
    h = await harness();
    // Whatever is asked above 2048 KiB, the driver keeps 2048.
    h.fs.altered.set("/sys/block/sda/queue/read_ahead_kb", (text) => `${Math.min(2048, Number(text.trim()))}\n`);
    const backend = await h.open();
    const error = await backend.apply(change("read-ahead-kb", "sda", 4096)).catch((e) => e);
    expect(error).toBeInstanceOf(KnobVerifyError);
    expect(error.message).toMatch(/reads back 2048/);
    expect(await h.fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("128\n");
    expect(h.fs.writes.filter((w) => w.path.endsWith("read_ahead_kb")).map((w) => w.text.trim())).toEqual([
      "4096",
      "128",
    ]);
    expect(backend.journalState().managed).toEqual([]);
    await backend.close();
  });

  it("yields a knob someone else changed since our write: never overwrites it, says so, and revert leaves it", async () => {
    h = await harness();
    const backend = await h.open();
    await backend.apply(change("read-ahead-kb", "sda", 4096));
    h.fs.files.set(`${SDA}/queue/read_ahead_kb`, "512\n"); // the admin
    const error = await backend.apply(change("read-ahead-kb", "sda", 1024)).catch((e) => e);
    expect(error).toBeInstanceOf(KnobConflictError);
    expect(error.message).toMatch(/changed by someone else \(expected 4096, found 512\); yielding it/);
    expect(await h.fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("512\n");
    expect(backend.journalState().yielded).toMatchObject([
      { knob: { knob: "read-ahead-kb", target: "sda" }, found: 512 },
    ]);
    expect(await backend.revertAll()).toEqual([]);
    expect(await h.fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("512\n");
    await backend.close();
  });

  it("a batch may take over a knob someone else changed: yielded, then written with their value as the original", async () => {
    h = await harness();
    const backend = await h.open();
    await backend.apply(change("read-ahead-kb", "sda", 4096));
    h.fs.files.set(`${SDA}/queue/read_ahead_kb`, "512\n"); // the admin
    const told: string[] = [];
    const options = {
      takeOver: (c: { id: string }) => c.id === "mine",
      tookOver: (c: { id: string }, conflict: KnobConflictError) =>
        told.push(`${c.id}: ${JSON.stringify(conflict.expected)} -> ${JSON.stringify(conflict.found)}`),
    };
    const planned = await backend.applyAll([{ ...change("read-ahead-kb", "sda", 1024), id: "mine" }], {
      dryRun: true,
      ...options,
    });
    expect(planned.map((r) => [r.previous, r.applied])).toEqual([[512, 1024]]);
    expect(h.fs.writes.filter((w) => w.path.endsWith("read_ahead_kb"))).toHaveLength(1); // the dry run wrote nothing
    expect(backend.journalState().yielded).toEqual([]);
    const [receipt] = await backend.applyAll([{ ...change("read-ahead-kb", "sda", 1024), id: "mine" }], options);
    expect(receipt).toMatchObject({ previous: 512, applied: 1024 });
    expect(told).toEqual(["mine: 4096 -> 512", "mine: 4096 -> 512"]);
    expect(backend.journalState().yielded).toMatchObject([{ knob: { knob: "read-ahead-kb" }, found: 512 }]);
    expect(backend.journalState().managed.map((entry) => entry.record.original)).toEqual([512]);
    expect(await backend.revertAll()).toMatchObject([{ status: "restored" }]);
    expect(await h.fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("512\n");
    await backend.close();
  });

  it("a take-over is yielded only when its write comes: a batch refused first leaves the knob managed", async () => {
    h = await harness();
    const backend = await h.open();
    await backend.apply(change("read-ahead-kb", "sda", 4096));
    h.fs.files.set(`${SDA}/queue/read_ahead_kb`, "512\n");
    h.fs.denied.add("/sys/block/sda/queue/nr_requests");
    const told: string[] = [];
    const error = await backend
      .applyAll([change("read-ahead-kb", "sda", 1024), change("nr-requests", "sda", 64)], {
        takeOver: () => true,
        tookOver: (c) => told.push(c.knob.knob),
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KnobPermissionError);
    expect(told).toEqual([]);
    expect(backend.journalState().yielded).toEqual([]);
    expect(backend.journalState().managed.map((entry) => entry.record.knob.knob)).toEqual(["read-ahead-kb"]);
    await backend.close();
  });

  it("a take-over asking for the value the knob already holds writes and tells nothing", async () => {
    h = await harness();
    const backend = await h.open();
    await backend.apply(change("read-ahead-kb", "sda", 4096));
    h.fs.files.set(`${SDA}/queue/read_ahead_kb`, "512\n");
    const told: string[] = [];
    const options = { takeOver: () => true, tookOver: (c: { id: string }) => told.push(c.id) };
    const [planned] = await backend.applyAll([change("read-ahead-kb", "sda", 512)], { dryRun: true, ...options });
    expect(planned).toMatchObject({ previous: 512, applied: 512 });
    const [receipt] = await backend.applyAll([change("read-ahead-kb", "sda", 512)], options);
    expect(receipt).toMatchObject({ previous: 512, applied: 512 });
    expect(told).toEqual([]);
    await backend.close();
  });

  it("a scheduler switch after someone changed a managed nr_requests: theirs is yielded and restored with the scheduler", async () => {
    h = await harness();
    const backend = await h.open();
    await backend.applyAll([change("io-scheduler", "sda", "bfq"), change("nr-requests", "sda", 64)]);
    h.fs.files.set(`${SDA}/queue/nr_requests`, "48\n"); // the admin
    await backend.apply(change("io-scheduler", "sda", "kyber"));
    expect(backend.journalState().yielded).toMatchObject([{ knob: { knob: "nr-requests" }, found: 48 }]);
    const outcomes = await backend.revertAll();
    expect(outcomes.map((o) => [o.knob.knob, o.status])).toEqual([["io-scheduler", "restored"]]);
    expect(await h.fs.readText(`${SDA}/queue/scheduler`)).toMatch(/\[mq-deadline\]/);
    // The switch back reset nr_requests; the scheduler's record puts back the value it had before the switch.
    expect(await h.fs.readText(`${SDA}/queue/nr_requests`)).toBe("48\n");
    await backend.close();
  });

  it("a scheduler whose reset nr_requests cannot be put back stays in the journal, and the next revert finishes it", async () => {
    h = await harness();
    h.fs.files.set(`${SDA}/queue/nr_requests`, "100\n"); // not what a switch back resets it to
    const backend = await h.open();
    await backend.applyAll([change("io-scheduler", "sda", "bfq"), change("nr-requests", "sda", 64)]);
    h.fs.denied.add("/sys/block/sda/queue/nr_requests");
    const first = await backend.revertAll();
    expect(first.map((o) => [o.knob.knob, o.status])).toEqual([
      ["nr-requests", "failed"],
      ["io-scheduler", "failed"],
    ]);
    expect(
      backend
        .journalState()
        .managed.map((e) => e.record.knob.knob)
        .sort(),
    ).toEqual(["io-scheduler", "nr-requests"]);
    h.fs.denied.delete("/sys/block/sda/queue/nr_requests");
    const second = await backend.revertAll();
    expect(second.every((o) => o.status === "restored" || o.status === "unchanged")).toBe(true);
    expect(backend.journalState().managed).toEqual([]);
    expect(await h.fs.readText(`${SDA}/queue/nr_requests`)).toBe("100\n");
    await backend.close();
  });

  it("a target that is no device name is a bad value, not an internal error", async () => {
    h = await harness();
    const backend = await h.open();
    for (const target of ["../sda", "sda/x/y"])
      await expect(backend.apply(change("read-ahead-kb", target, 512), { dryRun: true })).rejects.toBeInstanceOf(
        KnobValueError,
      );
    await expect(backend.apply(change("iosched-tunable", "sda/FIFO", 2), { dryRun: true })).rejects.toBeInstanceOf(
      KnobValueError,
    );
    await backend.close();
  });

  it("a batch that declines to take over yields as before", async () => {
    h = await harness();
    const backend = await h.open();
    await backend.apply(change("read-ahead-kb", "sda", 4096));
    h.fs.files.set(`${SDA}/queue/read_ahead_kb`, "512\n");
    const error = await backend
      .applyAll([change("read-ahead-kb", "sda", 1024)], { takeOver: () => false })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KnobConflictError);
    expect(await h.fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("512\n");
    await backend.close();
  });

  it("reverting a scheduler after a yielded nr_requests keeps the admin's nr_requests, which the switch resets", async () => {
    h = await harness();
    const backend = await h.open();
    await backend.applyAll([change("io-scheduler", "sda", "bfq"), change("nr-requests", "sda", 64)]);
    h.fs.files.set(`${SDA}/queue/nr_requests`, "48\n"); // the admin
    const outcomes = await backend.revertAll();
    expect(outcomes.map((o) => [o.knob.knob, o.status])).toEqual([
      ["nr-requests", "yielded"],
      ["io-scheduler", "restored"],
    ]);
    expect(outcomes[0]?.detail).toMatch(/changed by someone else to 48; left as is/);
    expect(await h.fs.readText(`${SDA}/queue/scheduler`)).toMatch(/\[mq-deadline\]/);
    // Left as is, as the outcome says: the switch back reset it, and revert wrote the admin's value again.
    expect(await h.fs.readText(`${SDA}/queue/nr_requests`)).toBe("48\n");
    await backend.close();
  });

  it("a permission problem on any knob of a batch writes nothing, naming the knob and the path", async () => {
    h = await harness();
    h.fs.denied.add("/sys/block/sda/queue/read_ahead_kb");
    const backend = await h.open();
    const error = await backend
      .applyAll([change("io-scheduler", "sda", "bfq"), change("read-ahead-kb", "sda", 4096)])
      .catch((e) => e);
    expect(error).toBeInstanceOf(KnobPermissionError);
    expect(error.message).toMatch(/^read-ahead-kb on sda: cannot write \/sys\/block\/sda\/queue\/read_ahead_kb/);
    expect(h.fs.writes).toEqual([]);
    await backend.close("failed");
  });

  it("a write failing midway undoes the batch's earlier writes", async () => {
    h = await harness();
    const before = h.fs.snapshot();
    h.fs.failing.set("/sys/block/sda/queue/read_ahead_kb", "EINVAL");
    const backend = await h.open();
    const error = await backend
      .applyAll([
        change("io-scheduler", "sda", "bfq"),
        change("nr-requests", "sda", 64),
        change("read-ahead-kb", "sda", 4096),
      ])
      .catch((e) => e);
    expect(error).toBeInstanceOf(KnobValueError);
    expect(error.message).toMatch(/the kernel refused it \(EINVAL/);
    expect(error.message).toMatch(/; the batch's 2 earlier change\(s\) were undone$/);
    expect(h.fs.snapshot()).toEqual(before);
    expect(backend.journalState().managed).toEqual([]);
    await backend.close("failed");
  });

  it("a scheduler switch the journal cannot record is undone with what it reset (nr_requests back to the host's)", async () => {
    h = await harness();
    h.fs.files.set(`${SDA}/queue/nr_requests`, "100\n");
    const before = h.fs.snapshot();
    const backend = await h.open();
    const journal = backend.journal;
    const append = journal.append.bind(journal);
    journal.append = async (record) => {
      if (record.type === "written" && record.knob.knob === "io-scheduler")
        throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
      return append(record);
    };
    await expect(backend.applyAll([change("io-scheduler", "sda", "bfq")])).rejects.toThrow(/no space left/);
    journal.append = append;
    expect(h.fs.snapshot()).toEqual(before);
    await backend.close("failed");
  });

  it("a disk that goes away midway: the batch says its earlier write went with it, and the journal keeps nothing open", async () => {
    h = await harness();
    let saved = 0;
    const unplug = () => {
      const device = h.fs.real("/sys/block/sdb");
      for (const key of [...h.fs.files.keys()]) if (key.startsWith(`${device}/`)) h.fs.files.delete(key);
      h.fs.links.delete("/sys/block/sdb");
    };
    const backend = await h.open({ afterJournal: async () => void (++saved === 2 && unplug()) });
    const error = await backend
      .applyAll([change("io-scheduler", "sdb", "bfq"), change("read-ahead-kb", "sdb", 4096)])
      .catch((e) => e);
    expect(error).toBeInstanceOf(KnobUnavailableError);
    expect(error.message).toMatch(
      /; the batch's 0 earlier change\(s\) were undone; io-scheduler on sdb went away with its target$/,
    );
    expect(backend.journalState().managed).toEqual([]);
    await backend.close("failed");
  });
});

describe("revert", () => {
  it("undoing only nr_requests while our scheduler switch holds puts back what the switch left, not the host's own", async () => {
    h = await harness();
    h.fs.files.set(`${SDA}/queue/nr_requests`, "100\n");
    const backend = await h.open();
    await backend.apply(change("io-scheduler", "sda", "bfq")); // resets nr_requests (to 256 here)
    const reset = await h.fs.readText(`${SDA}/queue/nr_requests`);
    // Asking for the host's own value back: its record's original is the reset value.
    const receipt = await backend.apply(change("nr-requests", "sda", 100));
    await backend.revert(receipt);
    expect(await h.fs.readText(`${SDA}/queue/nr_requests`)).toBe(reset);
    expect(backend.journalState().managed.map((entry) => entry.record.knob.knob)).toEqual(["io-scheduler"]);
    // Reverting the switch too brings the host's own 100 back with it.
    await backend.revertAll();
    expect(await h.fs.readText(`${SDA}/queue/nr_requests`)).toBe("100\n");
    await backend.close();
  });

  it("a queue depth asked for after switching away and back reverts to the host's own, not the other scheduler's reset", async () => {
    h = await harness();
    h.fs.files.set(`${SDA}/queue/scheduler`, "mq-deadline kyber bfq [none] \n");
    h.fs.files.set(`${SDA}/queue/nr_requests`, "32\n"); // none's limit: the 32 hardware tags
    for (const file of [...h.fs.files.keys()]) if (file.startsWith(`${SDA}/queue/iosched/`)) h.fs.files.delete(file);
    const before = h.fs.snapshot();
    const backend = await h.open();
    await backend.applyAll([change("io-scheduler", "sda", "mq-deadline"), change("nr-requests", "sda", 2048)]);
    await backend.apply(change("io-scheduler", "sda", "none"));
    await backend.apply(change("nr-requests", "sda", 16));
    // nr_requests' saved original is mq-deadline's reset (256), which none refuses.
    const outcomes = await backend.revertAll();
    expect(outcomes.map((o) => [o.knob.knob, o.status])).toEqual([
      ["nr-requests", "restored"],
      ["io-scheduler", "unchanged"],
    ]);
    expect(h.fs.snapshot()).toEqual(before);
    expect(backend.journalState().managed).toEqual([]);
    await backend.close();
  });

  it("restores every original in reverse order, byte for byte, even after a scheduler switch reset nr_requests", async () => {
    h = await harness();
    const before = h.fs.snapshot();
    const backend = await h.open();
    await backend.applyAll([
      change("iosched-tunable", "sda/slice_idle", 0),
      change("read-ahead-kb", "sda", 4096),
      change("nr-requests", "sda", 64),
      change("io-scheduler", "sda", "bfq"),
    ]);
    expect(await h.fs.readText("/sys/block/sda/queue/scheduler")).toBe("none mq-deadline kyber [bfq] \n");
    expect(await h.fs.readText("/sys/block/sda/queue/iosched/slice_idle")).toBe("0\n");
    await backend.close();
    const again = await h.open();
    const outcomes = await again.revertAll();
    expect(outcomes.map((o) => [o.knob.knob, o.status])).toEqual([
      ["iosched-tunable", "restored"],
      ["read-ahead-kb", "restored"],
      ["nr-requests", "restored"],
      ["io-scheduler", "restored"],
    ]);
    await again.close("reverted");
    expect(h.fs.snapshot()).toEqual(before);
    expect(h.journalText()).toBe(""); // nothing left to manage: the journal is gone
  });

  it("one knob failing does not stop the others", async () => {
    h = await harness("kvm-2cpu");
    const backend = await h.open();
    await backend.applyAll([
      change("somaxconn", "host", 8192),
      change("tcp-mtu-probing", "host", 1),
      change("read-ahead-kb", "vda", 512),
    ]);
    await backend.close();
    h.fs.failing.set("/proc/sys/net/ipv4/tcp_mtu_probing", "EIO");
    const again = await h.open();
    const outcomes = await again.revertAll();
    // Written in knob order (read-ahead, tcp_mtu_probing, somaxconn), restored in reverse.
    expect(outcomes.map((o) => [o.knob.knob, o.status])).toEqual([
      ["somaxconn", "restored"],
      ["tcp-mtu-probing", "failed"],
      ["read-ahead-kb", "restored"],
    ]);
    expect(await h.fs.readText("/proc/sys/net/core/somaxconn")).toBe("4096\n");
    expect(again.journalState().managed.map((entry) => entry.record.knob.knob)).toEqual(["tcp-mtu-probing"]);
    await again.close("failed");
  });

  it("a knob this twintune does not know (a newer one's journal) fails alone; the others are restored", async () => {
    h = await harness("kvm-2cpu");
    const backend = await h.open();
    await backend.applyAll([change("somaxconn", "host", 8192), change("read-ahead-kb", "vda", 512)]);
    await backend.close();
    const path = join(h.stateDir, "journal.jsonl");
    writeFileSync(path, h.journalText().replaceAll('"knob":"somaxconn"', '"knob":"somaxconn-v9"'));
    const again = await h.open();
    const outcomes = await again.revertAll();
    expect(outcomes.map((o) => [o.knob.knob, o.status])).toEqual([
      ["somaxconn-v9", "failed"],
      ["read-ahead-kb", "restored"],
    ]);
    expect(outcomes[0]?.detail).toMatch(/does not offer this knob/);
    expect(await h.fs.readText("/sys/block/vda/queue/read_ahead_kb")).toBe("8192\n");
    await again.close("failed");
  });
});

describe("crash recovery", () => {
  it("a knob journaled but never written (a write that died after its journal record) is still ours", async () => {
    h = await harness();
    let kill = true;
    const backend = await h.open({
      afterJournal: async () => {
        if (kill) throw new Error("killed");
      },
    });
    await expect(backend.apply(change("read-ahead-kb", "sda", 4096))).rejects.toThrow("killed");
    const journal = `${h.stateDir}/journal.jsonl`;
    const { readFileSync } = await import("node:fs");
    expect(
      readFileSync(journal, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).type),
    ).toEqual(["begin", "original"]);
    // The knob holds its original, not what was meant: nobody else touched it, so it is not yielded.
    expect(await h.fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("128\n");
    kill = false;
    await expect(backend.apply(change("read-ahead-kb", "sda", 1024))).resolves.toMatchObject({ applied: 1024 });
    expect(backend.journalState().yielded).toEqual([]);
    await backend.revertAll();
    expect(await h.fs.readText("/sys/block/sda/queue/read_ahead_kb")).toBe("128\n");
    await backend.close();
  });

  it("a run that never ended blocks tuning until recover restores its originals", async () => {
    h = await harness();
    const before = h.fs.snapshot();
    const crashed = await h.open();
    await crashed.applyAll([change("io-scheduler", "sdb", "bfq"), change("read-ahead-kb", "sdb", 4096)]);
    // No close(): the process died. Its lock file and its session's begin name a pid that is gone.
    const { readFileSync, writeFileSync } = await import("node:fs");
    writeFileSync(`${h.stateDir}/lock`, "999999999\n");
    const journal = `${h.stateDir}/journal.jsonl`;
    writeFileSync(journal, readFileSync(journal, "utf8").replace(`"pid":${process.pid}`, '"pid":999999999'));
    const next = await h.open();
    const error = await next.apply(change("read-ahead-kb", "sda", 256)).catch((e) => e);
    expect(error).toBeInstanceOf(LeftoverJournalError);
    expect(error.message).toMatch(/left 2 changed knob\(s\).*twintune live recover/);
    const outcomes = await next.recover();
    expect(outcomes.map((o) => o.status)).toEqual(["restored", "restored"]);
    await next.close("reverted");
    expect(h.fs.snapshot()).toEqual(before);
    const after = await h.open();
    await expect(after.apply(change("read-ahead-kb", "sda", 256))).resolves.toMatchObject({ applied: 256 });
    await after.close();
  });
});
