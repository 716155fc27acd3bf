/**
 * The llc-ways knob (cache allocation through resctrl, Documentation/arch/x86/resctrl.rst) and the
 * discovery of allocationWays, on an in-memory Broadwell-EP resctrl mount
 * (test/fixtures/live/resctrl-broadwell-ep laid over numa-2node-smt).
 *
 * No real-kernel test: the machines these tests run on have no RDT (no /sys/fs/resctrl, no cat_l3
 * flag in /proc/cpuinfo), so the kernel's side is emulated below, only as far as the knob relies
 * on it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KnobVerifyError } from "../../live/errors.js";
import { HostFsError } from "../../live/host-fs-error.js";
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
afterEach(() => {
  if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
  stateDir = undefined;
});

async function open(fs: ResctrlHost): Promise<LiveBackend> {
  stateDir = mkdtempSync(join(tmpdir(), "twintune-state-"));
  const runner = new FixtureRunner("numa-2node-smt");
  return LiveBackend.open({ fs, runner, stateDir, isRoot: true, clock: new StepClock(), pids: [2201] });
}

const broadwell = () => ResctrlHost.load("numa-2node-smt", "resctrl-broadwell-ep");

/** Where pid 2201's threads are: those in the root group's tasks, those in twintune's group, and whether it exists. */
function placement(fs: ResctrlHost) {
  const inRoot = fs.tasks(`${RESCTRL}/tasks`).filter((tid) => THREADS.includes(tid));
  return { inRoot, inGroup: fs.tasks(`${GROUP}/tasks`), groupExists: fs.files.has(`${GROUP}/tasks`) };
}

describe("discovery of cache allocation", () => {
  it("gives every L3 its 20 ways from info/L3/cbm_mask, and offers llc-ways for the process", async () => {
    const backend = await open(await broadwell());
    const caches = (await backend.topology()).caches;
    expect(caches.filter((cache) => cache.level === 3).map((cache) => cache.allocationWays)).toEqual([20, 20]);
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
      await expect(backend.apply(change("llc-ways", TARGET, 2))).rejects.toThrow(KnobUnavailableError);
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
      fs.files.set(`${RESCTRL}/other${i}/schemata`, "L3:0=fffff;1=fffff\n");
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
