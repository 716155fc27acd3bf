/**
 * The llc-ways knob (cache allocation through resctrl, Documentation/arch/x86/resctrl.rst) and the
 * discovery of allocationWays, on an in-memory Broadwell-EP resctrl mount
 * (test/fixtures/live/resctrl-broadwell-ep laid over numa-2node-smt).
 *
 * No real-kernel test: the machines these tests run on have no RDT (no /sys/fs/resctrl, no cat_l3
 * flag in /proc/cpuinfo), so the kernel's side is emulated below, only as far as the knob relies
 * on it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KnobVerifyError } from "../../live/errors.js";
import { HostFsError } from "../../live/host-fs-error.js";
import { llcWays } from "../../live/knobs/cache-allocation.js";
import type { KnobContext } from "../../live/knobs/knob-access.js";
import { numaMemoryNodes } from "../../live/knobs/process.js";
import { LiveBackend } from "../../live/live-backend.js";
import { KnobPermissionError, KnobUnavailableError, KnobValueError } from "../../src/backend.js";
import { FakeHostFs } from "../helpers/fake-host-fs.js";
import { FIXTURES, FixtureRunner } from "../helpers/fixture-runner.js";
import { change, StepClock } from "../helpers/live-harness.js";

const RESCTRL = "/sys/fs/resctrl";
const GROUP = `${RESCTRL}/twintune-pid-2201`;
const THREADS = [2201, 2204, 2207];
const TARGET = "pid:2201";

/**
 * What the kernel does that a file map cannot: mkdir gives a group its files, or ENOSPC once every
 * CLOSID is taken (the root group holds one); a tid written to a tasks file leaves the group it
 * was in; a schemata write needs its trailing newline; rmdir sends the group's tasks to the root.
 */
class ResctrlHost extends FakeHostFs {
  /** Threads that exit just as their id is written (the kernel answers ESRCH). */
  readonly exiting = new Set<number>();
  /** Writing the first id starts the second as a thread of 2201, in the root group (made by a thread not moved yet). */
  readonly spawning = new Map<number, number>();
  /** Threads the kernel refuses to move (EINVAL). */
  readonly refusing = new Set<number>();
  /** Files we may not read (EACCES). */
  readonly unreadable = new Set<string>();
  readonly dirOps: string[] = [];

  static async load(...fixtures: string[]): Promise<ResctrlHost> {
    const host = new ResctrlHost();
    for (const fixture of fixtures) {
      const loaded = await FakeHostFs.fromFixture(join(FIXTURES, fixture));
      for (const [path, text] of loaded.files) host.files.set(path, text);
      for (const [path, target] of loaded.links) host.links.set(path, target);
    }
    return host;
  }

  groups(): string[] {
    return [...this.files.keys()].flatMap((key) => /^\/sys\/fs\/resctrl\/([^/]+)\/tasks$/.exec(key)?.[1] ?? []);
  }

  tasks(path: string): number[] {
    return (this.files.get(path) ?? "").split("\n").filter(Boolean).map(Number);
  }

  override async readText(path: string): Promise<string> {
    if (this.unreadable.has(path)) throw new HostFsError("read", path, "EACCES", "permission denied");
    return super.readText(path);
  }

  /** The process exits: its /proc entries go, and the kernel drops its threads from every tasks file. */
  exit(): void {
    for (const key of [...this.files.keys()]) {
      if (key.startsWith("/proc/2201/")) this.files.delete(key);
      else if (key.startsWith(`${RESCTRL}/`) && key.endsWith("/tasks"))
        this.setTasks(
          key,
          this.tasks(key).filter((tid) => !THREADS.includes(tid)),
        );
    }
  }

  async makeDir(path: string): Promise<void> {
    this.allowList.check(path);
    if (await this.exists(path)) throw new HostFsError("mkdir", path, "EEXIST", "file exists");
    if (this.groups().length + 1 >= Number(this.files.get(`${RESCTRL}/info/L3/num_closids`)))
      throw new HostFsError("mkdir", path, "ENOSPC", "no space left on device");
    this.dirOps.push(`mkdir ${path}`);
    this.files.set(`${path}/schemata`, this.files.get(`${RESCTRL}/schemata`) ?? "");
    this.files.set(`${path}/tasks`, "");
    this.files.set(`${path}/cpus_list`, "\n");
    this.files.set(`${path}/mode`, "shareable\n");
  }

  async removeDir(path: string): Promise<void> {
    this.allowList.check(path);
    if (!this.files.has(`${path}/tasks`)) throw new HostFsError("rmdir", path, "ENOENT", "no such file or directory");
    this.dirOps.push(`rmdir ${path}`);
    this.setTasks(`${RESCTRL}/tasks`, [...this.tasks(`${RESCTRL}/tasks`), ...this.tasks(`${path}/tasks`)]);
    for (const key of [...this.files.keys()]) if (key.startsWith(`${path}/`)) this.files.delete(key);
  }

  override async writeText(path: string, text: string): Promise<void> {
    if (!path.startsWith(`${RESCTRL}/`)) return super.writeText(path, text);
    if (path.endsWith("/schemata") && !text.endsWith("\n"))
      throw new HostFsError("write", path, "EINVAL", "invalid argument");
    if (!path.endsWith("/tasks")) return super.writeText(path, text);
    const tid = Number(text.trim());
    if (this.refusing.has(tid)) throw new HostFsError("write", path, "EINVAL", "invalid argument");
    if (this.exiting.has(tid)) {
      for (const key of [...this.files.keys()]) if (key.includes(`/task/${tid}/`)) this.files.delete(key);
      throw new HostFsError("write", path, "ESRCH", "no such process");
    }
    const before = this.tasks(path);
    await super.writeText(path, text); // allow-list, denied and failing paths, the write log
    this.setTasks(path, before);
    for (const file of [`${RESCTRL}/tasks`, ...this.groups().map((name) => `${RESCTRL}/${name}/tasks`)])
      this.setTasks(
        file,
        this.tasks(file).filter((t) => t !== tid),
      );
    this.setTasks(path, [...this.tasks(path), tid]);
    const spawned = this.spawning.get(tid);
    if (spawned !== undefined) {
      this.files.set(`/proc/2201/task/${spawned}/status`, this.files.get("/proc/2201/status") ?? "");
      this.setTasks(`${RESCTRL}/tasks`, [...this.tasks(`${RESCTRL}/tasks`), spawned]);
    }
  }

  setTasks(path: string, tids: readonly number[]): void {
    this.files.set(path, tids.map((tid) => `${tid}\n`).join(""));
  }
}

let stateDir: string | undefined;
const stateDirs: string[] = [];
afterEach(() => {
  for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  stateDir = undefined;
});

/** A backend on `fs`, with a new state directory unless `again` (a later run after a crash). */
async function open(fs: ResctrlHost, again = false): Promise<LiveBackend> {
  if (!again || stateDir === undefined) {
    stateDir = mkdtempSync(join(tmpdir(), "twintune-state-"));
    stateDirs.push(stateDir);
  }
  const runner = new FixtureRunner("numa-2node-smt");
  return LiveBackend.open({ fs, runner, stateDir, isRoot: true, clock: new StepClock(), pids: [2201] });
}

const broadwell = () => ResctrlHost.load("numa-2node-smt", "resctrl-broadwell-ep");

/** Where pid 2201's threads are (ids in order): those in the root group's tasks, those in twintune's group, and whether it exists. */
function placement(fs: ResctrlHost) {
  const inRoot = fs.tasks(`${RESCTRL}/tasks`).filter((tid) => THREADS.includes(tid));
  const sorted = (tids: number[]) => tids.sort((a, b) => a - b);
  return {
    inRoot: sorted(inRoot),
    inGroup: sorted(fs.tasks(`${GROUP}/tasks`)),
    groupExists: fs.files.has(`${GROUP}/tasks`),
  };
}

describe("discovery of cache allocation", () => {
  it("gives every L3 its 20 ways from info/L3/cbm_mask, and offers llc-ways for the process", async () => {
    const backend = await open(await broadwell());
    const caches = (await backend.topology()).caches;
    expect(caches.filter((cache) => cache.level === 3).map((cache) => cache.allocationWays)).toEqual([20, 20]);
    expect(caches.filter((cache) => cache.level === 3).map((cache) => cache.allocationMinWays)).toEqual([1, 1]);
    expect(caches.filter((cache) => cache.level < 3).every((cache) => !("allocationWays" in cache))).toBe(true);
    expect(await backend.knobs()).toContainEqual({ knob: "llc-ways", target: TARGET });
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(20);
  });

  const variants: [string, (fs: ResctrlHost) => void, RegExp][] = [
    [
      "resctrl not mounted",
      (fs) => {
        for (const key of [...fs.files.keys()]) if (key.startsWith(`${RESCTRL}/`)) fs.files.delete(key);
      },
      /resctrl is not mounted at \/sys\/fs\/resctrl/,
    ],
    [
      "mounted with cdp (L3CODE/L3DATA)",
      (fs) => {
        for (const key of [...fs.files.keys()]) if (key.startsWith(`${RESCTRL}/info/L3/`)) fs.files.delete(key);
        for (const kind of ["L3CODE", "L3DATA"]) fs.files.set(`${RESCTRL}/info/${kind}/cbm_mask`, "fffff\n");
        fs.files.set(`${RESCTRL}/schemata`, "L3DATA:0=fffff;1=fffff\nL3CODE:0=fffff;1=fffff\n");
      },
      /code\/data prioritization \(-o cdp/,
    ],
    [
      "mounted with memory bandwidth allocation only",
      (fs) => {
        for (const key of [...fs.files.keys()]) if (key.startsWith(`${RESCTRL}/info/L3/`)) fs.files.delete(key);
        fs.files.set(`${RESCTRL}/info/MB/min_bandwidth`, "10\n");
        fs.files.set(`${RESCTRL}/schemata`, "MB:0=100;1=100\n");
      },
      /no L3 allocation here \(no \/sys\/fs\/resctrl\/info\/L3\/cbm_mask\)/,
    ],
  ];
  for (const [name, edit, why] of variants) {
    it(`${name}: no allocationWays and no llc-ways, saying why`, async () => {
      const fs = await broadwell();
      edit(fs);
      const backend = await open(fs);
      const l3 = (await backend.topology()).caches.filter((cache) => cache.level === 3);
      expect(l3).toHaveLength(2);
      expect(l3.some((cache) => "allocationWays" in cache)).toBe(false);
      expect((await backend.knobs()).some((ref) => ref.knob === "llc-ways")).toBe(false);
      await expect(backend.readKnob({ knob: "llc-ways", target: TARGET })).rejects.toThrow(why);
      // The refusal says why, not only which path (what a user of `live --set` reads).
      const attempt = backend.apply(change("llc-ways", TARGET, 2));
      await expect(attempt).rejects.toThrow(KnobUnavailableError);
      await expect(attempt).rejects.toThrow(why);
      expect(fs.writes).toEqual([]);
    });
  }
});

describe("llc-ways", () => {
  it("confines a process: group made, its masks written with the newline, then every thread moved in", async () => {
    const fs = await broadwell();
    const backend = await open(fs);
    const receipt = await backend.apply(change("llc-ways", TARGET, 2));
    expect(receipt).toMatchObject({ previous: 20, applied: 2, dryRun: false });
    expect(fs.dirOps).toEqual([`mkdir ${GROUP}`]);
    expect(fs.writes).toEqual([
      { path: `${GROUP}/schemata`, text: "L3:0=3;1=3\n" },
      ...THREADS.map((tid) => ({ path: `${GROUP}/tasks`, text: `${tid}\n` })),
    ]);
    expect(placement(fs)).toEqual({ inRoot: [], inGroup: THREADS, groupExists: true });
    expect(fs.tasks(`${RESCTRL}/tasks`)).toEqual([1, 2, 3, 812, 1530, 2290]); // the others stay
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(2);
    expect(backend.journalState().managed.map((entry) => entry.record.original)).toEqual([20]);
    await backend.close();
  });

  it("a dry run validates and writes nothing", async () => {
    const fs = await broadwell();
    const before = fs.snapshot();
    const backend = await open(fs);
    await expect(backend.apply(change("llc-ways", TARGET, 4), { dryRun: true })).resolves.toMatchObject({
      previous: 20,
      applied: 4,
      dryRun: true,
    });
    expect(fs.writes).toEqual([]);
    expect(fs.dirOps).toEqual([]);
    expect(fs.snapshot()).toEqual(before);
  });

  it("refuses 0, 21, 2.5 and 'x' before any write, saying what it expects", async () => {
    const fs = await broadwell();
    const backend = await open(fs);
    for (const bad of [0, 21, 2.5, "x"]) {
      const attempt = backend.apply(change("llc-ways", TARGET, bad as number));
      await expect(attempt, String(bad)).rejects.toThrow(KnobValueError);
      await expect(attempt, String(bad)).rejects.toThrow(
        `expected a whole number of L3 ways from 1 (info/L3/min_cbm_bits) to 20 (the whole cache: no confinement), got ${JSON.stringify(bad)}`,
      );
    }
    expect(fs.writes).toEqual([]);
    expect(fs.dirOps).toEqual([]);
  });

  it("honours min_cbm_bits (2 on Haswell servers)", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/info/L3/min_cbm_bits`, "2\n");
    const backend = await open(fs);
    await expect(backend.apply(change("llc-ways", TARGET, 1), { dryRun: true })).rejects.toThrow(/from 2 /);
    await expect(backend.apply(change("llc-ways", TARGET, 2), { dryRun: true })).resolves.toMatchObject({
      applied: 2,
    });
  });

  it("back to 20: threads to the root's tasks and the empty group removed", async () => {
    const fs = await broadwell();
    const backend = await open(fs);
    await backend.apply(change("llc-ways", TARGET, 2));
    fs.writes.length = 0;
    await backend.apply(change("llc-ways", TARGET, 20));
    expect(fs.writes).toEqual(THREADS.map((tid) => ({ path: `${RESCTRL}/tasks`, text: `${tid}\n` })));
    expect(fs.dirOps).toEqual([`mkdir ${GROUP}`, `rmdir ${GROUP}`]);
    expect(placement(fs)).toEqual({ inRoot: THREADS, inGroup: [], groupExists: false });
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(20);
  });

  it("keeps the group while something else is still in it (a child forked while confined)", async () => {
    const fs = await broadwell();
    const backend = await open(fs);
    await backend.apply(change("llc-ways", TARGET, 2));
    fs.setTasks(`${GROUP}/tasks`, [...fs.tasks(`${GROUP}/tasks`), 2300]);
    await backend.apply(change("llc-ways", TARGET, 20));
    expect(placement(fs)).toEqual({ inRoot: THREADS, inGroup: [2300], groupExists: true });
  });

  it("reverts exactly, in both directions: 4 → 2 back to 4, then to the original 20", async () => {
    const fs = await broadwell();
    const backend = await open(fs);
    await backend.apply(change("llc-ways", TARGET, 4));
    const narrower = await backend.apply(change("llc-ways", TARGET, 2));
    expect(narrower).toMatchObject({ previous: 4, applied: 2 });
    await backend.revert(narrower);
    expect(fs.files.get(`${GROUP}/schemata`)).toBe("L3:0=f;1=f\n");
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(4);
    const outcomes = await backend.revertAll();
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["restored"]);
    expect(placement(fs)).toEqual({ inRoot: THREADS, inGroup: [], groupExists: false });
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(20);
  });

  it("restores a confinement it lifted: the group is made again with the original mask", async () => {
    const fs = await broadwell();
    const first = await open(fs);
    await first.apply(change("llc-ways", TARGET, 3));
    await first.close();
    rmSync(stateDir as string, { recursive: true, force: true }); // a later run that starts at 3 ways
    const backend = await open(fs);
    expect(await backend.apply(change("llc-ways", TARGET, 20))).toMatchObject({ previous: 3, applied: 20 });
    expect(placement(fs).groupExists).toBe(false);
    fs.writes.length = 0;
    expect((await backend.revertAll()).map((outcome) => outcome.status)).toEqual(["restored"]);
    expect(fs.dirOps).toEqual([`mkdir ${GROUP}`, `rmdir ${GROUP}`, `mkdir ${GROUP}`]);
    expect(fs.writes[0]).toEqual({ path: `${GROUP}/schemata`, text: "L3:0=7;1=7\n" });
    expect(placement(fs)).toEqual({ inRoot: [], inGroup: THREADS, groupExists: true });
  });

  it("says clearly when every CLOSID is taken (mkdir gives ENOSPC), and changes nothing", async () => {
    const fs = await broadwell();
    for (let i = 0; i < 15; i++) {
      fs.files.set(`${RESCTRL}/other${i}/tasks`, "");
      fs.files.set(`${RESCTRL}/other${i}/schemata`, "L3:0=80000;1=80000\n"); // way 19: room left below
    }
    const backend = await open(fs);
    const attempt = backend.apply(change("llc-ways", TARGET, 2));
    await expect(attempt).rejects.toThrow(KnobValueError);
    await expect(attempt).rejects.toThrow(
      /ENOSPC: no CLOSID left: all 16 of info\/L3\/num_closids are in use \(the root group holds one\)/,
    );
    expect(fs.writes).toEqual([]);
    expect(placement(fs)).toEqual({ inRoot: THREADS, inGroup: [], groupExists: false });
  });

  it("leaves alone a process someone else placed in a group of theirs", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/gold/schemata`, "L3:0=ff000;1=ff000\n");
    fs.setTasks(`${RESCTRL}/gold/tasks`, [2204]);
    const backend = await open(fs);
    await expect(backend.apply(change("llc-ways", TARGET, 2))).rejects.toThrow(
      /a thread of it is in resctrl group 'gold', not twintune's: left alone/,
    );
    expect(fs.writes).toEqual([]);
    fs.setTasks(`${RESCTRL}/gold/tasks`, [2201]);
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(8);
  });

  it("skips a thread that exits while the others are moved", async () => {
    const fs = await broadwell();
    fs.exiting.add(2204);
    const backend = await open(fs);
    await expect(backend.apply(change("llc-ways", TARGET, 2))).resolves.toMatchObject({ applied: 2 });
    expect(placement(fs).inGroup).toEqual([2201, 2207]);
  });

  it("checks every thread on read-back: one started meanwhile in the root group undoes the change", async () => {
    const fs = await broadwell();
    fs.spawning.set(2207, 2209);
    const backend = await open(fs);
    await expect(backend.apply(change("llc-ways", TARGET, 2))).rejects.toThrow(KnobVerifyError);
    expect(fs.tasks(`${RESCTRL}/tasks`)).toEqual(expect.arrayContaining([...THREADS, 2209]));
    expect(placement(fs).groupExists).toBe(false);
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(20);
  });

  it("reports a tasks file it may not write as a permission error, before any write", async () => {
    const fs = await broadwell();
    fs.denied.add(`${RESCTRL}/tasks`);
    const backend = await open(fs);
    await expect(backend.apply(change("llc-ways", TARGET, 2))).rejects.toThrow(KnobPermissionError);
    expect(fs.writes).toEqual([]);
    expect(fs.dirOps).toEqual([]);
  });

  it("is not offered for a process that is gone or a target that is not a process", async () => {
    const backend = await open(await broadwell());
    await expect(backend.readKnob({ knob: "llc-ways", target: "pid:999999" })).rejects.toThrow(/no process 999999/);
    await expect(backend.apply(change("llc-ways", "sda", 2), { dryRun: true })).rejects.toThrow(KnobUnavailableError);
  });
});

describe("llc-ways leaves no resctrl group behind (each holds one of num_closids)", () => {
  it("a schemata write the kernel refuses (EINVAL: overlaps an exclusive region): no group, threads in the root", async () => {
    const fs = await broadwell();
    fs.failing.set(`${GROUP}/schemata`, "EINVAL");
    const backend = await open(fs);
    await expect(backend.apply(change("llc-ways", TARGET, 2))).rejects.toThrow(/EINVAL/);
    expect(fs.dirOps).toEqual([`mkdir ${GROUP}`, `rmdir ${GROUP}`]);
    expect(placement(fs)).toEqual({ inRoot: THREADS, inGroup: [], groupExists: false });
    expect(backend.journalState().managed).toEqual([]);
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(20);
  });

  it("a thread move that fails: the threads moved go back to the root and the group is removed", async () => {
    const fs = await broadwell();
    fs.refusing.add(2204);
    const backend = await open(fs);
    await expect(backend.apply(change("llc-ways", TARGET, 2))).rejects.toThrow(/EINVAL/);
    expect(fs.writes).toEqual([
      { path: `${GROUP}/schemata`, text: "L3:0=3;1=3\n" },
      { path: `${GROUP}/tasks`, text: "2201\n" },
      { path: `${RESCTRL}/tasks`, text: "2201\n" },
    ]);
    expect(fs.dirOps).toEqual([`mkdir ${GROUP}`, `rmdir ${GROUP}`]);
    expect(placement(fs)).toEqual({ inRoot: THREADS, inGroup: [], groupExists: false });
    expect(backend.journalState().managed).toEqual([]);
  });

  it("a failed change of a group already there puts its masks back and keeps it", async () => {
    const fs = await broadwell();
    const backend = await open(fs);
    await backend.apply(change("llc-ways", TARGET, 4));
    fs.refusing.add(2204);
    await expect(backend.apply(change("llc-ways", TARGET, 2))).rejects.toThrow(/EINVAL/);
    expect(fs.files.get(`${GROUP}/schemata`)).toBe("L3:0=f;1=f\n");
    expect(placement(fs)).toEqual({ inRoot: [], inGroup: THREADS, groupExists: true });
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(4);
    fs.refusing.clear();
    expect((await backend.revertAll()).map((outcome) => outcome.status)).toEqual(["restored"]);
    expect(placement(fs).groupExists).toBe(false);
  });

  it("a confined process that exits: revert reports it gone and removes its empty group", async () => {
    const fs = await broadwell();
    const backend = await open(fs);
    await backend.apply(change("llc-ways", TARGET, 2));
    fs.exit();
    const outcomes = await backend.revertAll();
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["gone"]);
    expect(fs.dirOps).toEqual([`mkdir ${GROUP}`, `rmdir ${GROUP}`]);
    expect(fs.groups()).toEqual([]);
  });

  it("the same after a crash: recover reports it gone and removes its empty group", async () => {
    const fs = await broadwell();
    const crashed = await open(fs);
    await crashed.apply(change("llc-ways", TARGET, 2));
    writeFileSync(`${stateDir}/lock`, "999999999\n"); // no close(): the run died
    fs.exit();
    const next = await open(fs, true);
    expect((await next.recover()).map((outcome) => outcome.status)).toEqual(["gone"]);
    expect(fs.groups()).toEqual([]);
    await next.close("reverted");
  });

  it("a write removes empty twintune groups of processes gone, never another's or one in use", async () => {
    const fs = await broadwell();
    const group = (name: string, tasks: number[], cpus = "") => {
      fs.files.set(`${RESCTRL}/${name}/schemata`, "L3:0=80000;1=80000\n");
      fs.files.set(`${RESCTRL}/${name}/cpus_list`, `${cpus}\n`);
      fs.setTasks(`${RESCTRL}/${name}/tasks`, tasks);
    };
    group("twintune-pid-999", []); // left by a process that exited
    group("twintune-pid-998", [2290]);
    group("twintune-pid-997", [], "3");
    group("reserved", []); // an admin's, empty for now
    const backend = await open(fs);
    await backend.apply(change("llc-ways", TARGET, 2));
    expect(fs.dirOps).toEqual([`rmdir ${RESCTRL}/twintune-pid-999`, `mkdir ${GROUP}`]);
    expect(fs.groups().sort()).toEqual(["reserved", "twintune-pid-2201", "twintune-pid-997", "twintune-pid-998"]);
  });
});

describe("llc-ways takes only ways nobody else holds", () => {
  const confined = async (fs: ResctrlHost, ways: number) => {
    const backend = await open(fs);
    await backend.apply(change("llc-ways", TARGET, ways));
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(ways);
    return fs.files.get(`${GROUP}/schemata`);
  };

  it("another group holds ways 0-3: ours start at way 4", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/gold/schemata`, "L3:0=f;1=f\n");
    fs.setTasks(`${RESCTRL}/gold/tasks`, []);
    expect(await confined(fs, 2)).toBe("L3:0=30;1=30\n");
  });

  it("another of twintune's confined processes shares our lowest ways (as the twin models it)", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/twintune-pid-999/schemata`, "L3:0=1;1=1\n");
    fs.setTasks(`${RESCTRL}/twintune-pid-999/tasks`, [999]);
    expect(await confined(fs, 1)).toBe("L3:0=1;1=1\n");
  });

  it("a group with every way (a tool's default) reserves nothing", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/gold/schemata`, "L3:0=fffff;1=fffff\n");
    fs.setTasks(`${RESCTRL}/gold/tasks`, [812]);
    expect(await confined(fs, 2)).toBe("L3:0=3;1=3\n");
  });

  it("the root group's mask is not full (ffff0): ours lie inside it", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/schemata`, "L3:0=ffff0;1=ffff0\n");
    expect(await confined(fs, 3)).toBe("L3:0=70;1=70\n");
  });

  it("a run free in every domain: root fff00 in domain 0, another group ff000 in domain 1", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/schemata`, "L3:0=fff00;1=fffff\n");
    fs.files.set(`${RESCTRL}/gold/schemata`, "L3:0=00000;1=ff000\n");
    fs.setTasks(`${RESCTRL}/gold/tasks`, [812]);
    expect(await confined(fs, 4)).toBe("L3:0=f00;1=f00\n");
  });

  it("avoids ways info/L3/bit_usage marks exclusive or pseudo-locked", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/info/L3/bit_usage`, `0=${"S".repeat(20)};1=${"S".repeat(17)}PPE\n`);
    expect(await confined(fs, 2)).toBe("L3:0=18;1=18\n");
  });

  it("no room: refuses before any write (dry run too), saying which ways are taken by whom", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/schemata`, "L3:0=fffff;1=ffff0\n");
    fs.files.set(`${RESCTRL}/gold/schemata`, "L3:0=ff000;1=ff000\n");
    fs.setTasks(`${RESCTRL}/gold/tasks`, [812]);
    const backend = await open(fs);
    const message =
      "llc-ways on pid:2201: no 9 contiguous L3 ways are free in every domain (the most is 8): " +
      "ways 0-3 outside the root group's mask; 12-19 held by group 'gold'";
    for (const dryRun of [true, false]) {
      const attempt = backend.apply(change("llc-ways", TARGET, 9), { dryRun });
      await expect(attempt).rejects.toThrow(KnobValueError);
      await expect(attempt).rejects.toThrow(message);
    }
    expect(fs.writes).toEqual([]);
    expect(fs.dirOps).toEqual([]);
    await expect(backend.apply(change("llc-ways", TARGET, 8))).resolves.toMatchObject({ applied: 8 });
    expect(fs.files.get(`${GROUP}/schemata`)).toBe("L3:0=ff0;1=ff0\n");
  });
});

describe("llc-ways and monitoring groups", () => {
  const refused = async (fs: ResctrlHost, group: string) => {
    const backend = await open(fs);
    await expect(backend.apply(change("llc-ways", TARGET, 2))).rejects.toThrow(
      `a thread of it is in resctrl group '${group}', not twintune's: left alone`,
    );
    expect(fs.writes).toEqual([]);
    expect(fs.dirOps).toEqual([]);
    return backend;
  };

  it("leaves alone a thread in one of the root's monitoring groups (someone's pqos)", async () => {
    const fs = await broadwell();
    fs.setTasks(`${RESCTRL}/mon_groups/pqos/tasks`, [2204]);
    const backend = await refused(fs, "mon_groups/pqos");
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(20);
  });

  it("leaves alone a thread in a monitoring group of another group, or of ours", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/gold/schemata`, "L3:0=ff000;1=ff000\n");
    fs.setTasks(`${RESCTRL}/gold/tasks`, [2201]);
    fs.setTasks(`${RESCTRL}/gold/mon_groups/web/tasks`, [2201]);
    const backend = await refused(fs, "gold/mon_groups/web");
    expect(await backend.readKnob({ knob: "llc-ways", target: TARGET })).toBe(8); // gold's ways

    const ours = await broadwell();
    const confined = await open(ours);
    await confined.apply(change("llc-ways", TARGET, 2));
    ours.setTasks(`${GROUP}/mon_groups/m/tasks`, [2207]);
    await expect(confined.apply(change("llc-ways", TARGET, 20))).rejects.toThrow(
      "in resctrl group 'twintune-pid-2201/mon_groups/m', not twintune's: left alone",
    );
    expect(placement(ours).inGroup).toEqual(THREADS);
  });

  it("a user group named mon_* is a group like any other", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/mon_team/schemata`, "L3:0=ff000;1=ff000\n");
    fs.setTasks(`${RESCTRL}/mon_team/tasks`, [2204]);
    await refused(fs, "mon_team");
  });

  it("a tasks file it may not read is an error, not 'no group there'", async () => {
    const fs = await broadwell();
    fs.files.set(`${RESCTRL}/gold/schemata`, "L3:0=ff000;1=ff000\n");
    fs.setTasks(`${RESCTRL}/gold/tasks`, [2204]);
    fs.unreadable.add(`${RESCTRL}/gold/tasks`);
    const backend = await open(fs);
    await expect(backend.apply(change("llc-ways", TARGET, 2))).rejects.toThrow(/EACCES|permission denied/);
    expect(fs.writes).toEqual([]);
    expect(fs.dirOps).toEqual([]);
  });
});

describe("process identity", () => {
  it("names the knob it was read for", async () => {
    const fs = await broadwell();
    const ctx: KnobContext = {
      host: fs,
      runner: new FixtureRunner("numa-2node-smt"),
      netns: () => fs,
      isRoot: true,
      pending: new Map(),
    };
    await expect(llcWays.identity?.(ctx, "pid:999")).rejects.toThrow(/^llc-ways on pid:999: /);
    await expect(numaMemoryNodes.identity?.(ctx, "pid:999")).rejects.toThrow(/^numa-memory-nodes on pid:999: /);
    await expect(llcWays.identity?.(ctx, TARGET)).resolves.toMatch(/^2201@\d+$/);
  });
});
