import { afterEach, describe, expect, it } from "vitest";
import { offloadMismatch } from "../../live/knobs/nic.js";
import { KnobUnavailableError, KnobValueError } from "../../src/backend.js";
import { FixtureRunner } from "../helpers/fixture-runner.js";
import { change, type Harness, harness } from "../helpers/live-harness.js";

let h: Harness;
afterEach(() => h?.cleanup());

const GROUP = "/sys/fs/cgroup/cpuset/web";

describe("cgroup cpuset knobs", () => {
  async function withGroup(): Promise<Harness> {
    const made = await harness("kvm-2cpu");
    made.fs.files.set(`${GROUP}/cpuset.cpus`, "0-1\n");
    made.fs.files.set(`${GROUP}/cpuset.mems`, "0\n");
    return made;
  }

  it("sets cpus and mems of a cgroup within its parent's effective sets, and reverts them", async () => {
    h = await withGroup();
    const backend = await h.open();
    const receipts = await backend.applyAll([change("cpuset-cpus", GROUP, [1]), change("cpuset-mems", GROUP, [0])]);
    expect(receipts.map((r) => [r.change.knob.knob, r.applied])).toEqual([
      ["cpuset-mems", [0]],
      ["cpuset-cpus", [1]],
    ]);
    expect(h.fs.writes).toEqual([{ path: `${GROUP}/cpuset.cpus`, text: "1" }]);
    await backend.revertAll();
    expect(await h.fs.readText(`${GROUP}/cpuset.cpus`)).toBe("0-1\n");
    await backend.close("reverted");
  });

  it("refuses CPUs or nodes the parent does not have", async () => {
    h = await withGroup();
    const backend = await h.open();
    await expect(backend.apply(change("cpuset-cpus", GROUP, [0, 5]), { dryRun: true })).rejects.toThrow(
      /CPU 5 not available here \(available: 0-1\)/,
    );
    // Written as CPU lists are, not one id at a time.
    await expect(
      backend.apply(change("cpuset-cpus", GROUP, [0, ...Array.from({ length: 98 }, (_, i) => i + 2)]), {
        dryRun: true,
      }),
    ).rejects.toThrow(/CPU 2-99 not available here \(available: 0-1\)/);
    await expect(backend.apply(change("cpuset-mems", GROUP, [1]), { dryRun: true })).rejects.toThrow(KnobValueError);
    await expect(
      backend.apply(change("cpuset-cpus", "/sys/fs/cgroup/cpuset/nope", [0]), { dryRun: true }),
    ).rejects.toThrow(KnobUnavailableError);
  });
});

describe("cgroup cpuset roots and v2", () => {
  it("refuses the v1 root cpuset before any write: the kernel keeps it at every online CPU", async () => {
    h = await harness("kvm-2cpu");
    const backend = await h.open();
    await expect(backend.apply(change("cpuset-cpus", "/sys/fs/cgroup/cpuset", [0]), { dryRun: true })).rejects.toThrow(
      /is the root cpuset, which always holds every online CPU .*set a cgroup below it/,
    );
    await backend.close();
  });

  it("on cgroup v2, checks a child against its parent's cpuset.cpus.effective (its own cpuset.cpus may be empty)", async () => {
    h = await harness("kvm-2cpu");
    const root = "/sys/fs/cgroup/unified-test";
    h.fs.files.set(`${root}/cpuset.cpus.effective`, "0-1\n");
    h.fs.files.set(`${root}/cpuset.mems.effective`, "0\n");
    h.fs.files.set(`${root}/web/cpuset.cpus`, "\n");
    h.fs.files.set(`${root}/web/cpuset.cpus.effective`, "0-1\n");
    const backend = await h.open();
    const receipt = await backend.apply(change("cpuset-cpus", `${root}/web`, [1]));
    expect(receipt.applied).toEqual([1]);
    await expect(backend.apply(change("cpuset-cpus", `${root}/web`, [2]), { dryRun: true })).rejects.toThrow(
      /CPU 2 not available here \(available: 0-1\)/,
    );
    await backend.revertAll();
    expect(await h.fs.readText(`${root}/web/cpuset.cpus`)).toBe("\n");
    await backend.close("reverted");
  });
});

describe("NIC knobs through ethtool", () => {
  it("ring sizes up to the driver's pre-set maximum, written with ethtool -G and read back", async () => {
    h = await harness("kvm-2cpu");
    const backend = await h.open();
    const receipt = await backend.apply(change("nic-rings", "eth0", { rx: 128, tx: 256 }));
    expect(receipt).toMatchObject({ previous: { rx: 256, tx: 256 }, applied: { rx: 128, tx: 256 } });
    expect(h.runner.calls).toContainEqual(["ethtool", "-G", "eth0", "rx", "128", "tx", "256"]);
    await expect(backend.apply(change("nic-rings", "eth0", { rx: 4096, tx: 4096 }))).rejects.toThrow(
      /rx ring 4096 is outside \[1, 256\]/,
    );
    await backend.close();
  });

  it("offloads by short or long name; a [fixed] one is refused before any write", async () => {
    h = await harness("kvm-2cpu");
    const backend = await h.open();
    const receipt = await backend.apply(change("nic-offloads", "eth0", { gro: false }), { dryRun: true });
    expect(receipt.applied).toMatchObject({ "generic-receive-offload": false, "tcp-segmentation-offload": true });
    await expect(backend.apply(change("nic-offloads", "eth0", { rx: false }), { dryRun: true })).rejects.toThrow(
      /rx-checksumming is \[fixed\] by the driver/,
    );
    expect(h.runner.calls.some((call) => call[1] === "-K")).toBe(false);
  });

  it("explains a read-back that differs: features the kernel moved along, and ones the driver kept", () => {
    const before = { "scatter-gather": true, "generic-segmentation-offload": true, "tcp-segmentation-offload": true };
    expect(
      offloadMismatch(
        before,
        { ...before, "scatter-gather": false, "tcp-segmentation-offload": false },
        { "scatter-gather": false, "generic-segmentation-offload": false, "tcp-segmentation-offload": true },
      ),
    ).toBe(
      "the kernel also set gso=off (features that depend on each other); ask for them together: sg=off,tso=off,gso=off; the driver kept tso=on",
    );
    expect(offloadMismatch(before, before, before)).toBeUndefined();
  });

  it("is not offered without ethtool", async () => {
    h = await harness("kvm-2cpu");
    const { LiveBackend } = await import("../../live/live-backend.js");
    const backend = await LiveBackend.open({
      fs: h.fs,
      runner: new FixtureRunner("kvm-2cpu", new Set(["getconf"])),
      stateDir: h.stateDir,
      isRoot: true,
    });
    expect((await backend.knobs()).some((ref) => ref.knob.startsWith("nic-"))).toBe(false);
    await expect(backend.apply(change("nic-rings", "eth0", { rx: 128, tx: 128 }))).rejects.toThrow(
      KnobUnavailableError,
    );
  });
});

describe("process knobs check their bounds on a captured process", () => {
  it("CPU affinity only to online CPUs, NUMA pages only to nodes with memory", async () => {
    h = await harness("kvm-2cpu");
    const { LiveBackend } = await import("../../live/live-backend.js");
    const runner = new FixtureRunner("kvm-2cpu", new Set(["getconf", "taskset", "migratepages"]));
    const backend = await LiveBackend.open({ fs: h.fs, runner, stateDir: h.stateDir, isRoot: true, pids: [10828] });
    expect(await backend.readKnob({ knob: "cpu-affinity", target: "pid:10828" })).toEqual([0, 1]);
    expect(await backend.readKnob({ knob: "numa-memory-nodes", target: "pid:10828" })).toEqual([0]);
    await expect(
      backend.apply(change("cpu-affinity", "pid:10828", [1, 1, 0]), { dryRun: true }),
    ).resolves.toMatchObject({ applied: [0, 1] });
    await expect(backend.apply(change("cpu-affinity", "pid:10828", [2]), { dryRun: true })).rejects.toThrow(
      /CPU 2 not available here/,
    );
    await expect(backend.apply(change("cpu-affinity", "pid:10828", []), { dryRun: true })).rejects.toThrow(
      /non-empty list/,
    );
    await expect(backend.apply(change("numa-memory-nodes", "pid:10828", [1]), { dryRun: true })).rejects.toThrow(
      /node 1 not available here/,
    );
    await expect(backend.apply(change("cpu-affinity", "pid:999999", [0]), { dryRun: true })).rejects.toThrow(
      KnobUnavailableError,
    );
  });

  it("a process that has exited but is not reaped (a zombie) is not offered: nothing of it runs", async () => {
    h = await harness("kvm-2cpu");
    const { LiveBackend } = await import("../../live/live-backend.js");
    const stat = await h.fs.readText("/proc/10828/stat");
    h.fs.files.set("/proc/10828/stat", stat.replace(") S ", ") Z "));
    const runner = new FixtureRunner("kvm-2cpu", new Set(["getconf", "taskset", "migratepages"]));
    const backend = await LiveBackend.open({ fs: h.fs, runner, stateDir: h.stateDir, isRoot: true, pids: [10828] });
    for (const knob of ["cpu-affinity", "numa-memory-nodes"] as const)
      await expect(backend.apply(change(knob, "pid:10828", [0]), { dryRun: true })).rejects.toThrow(
        /process 10828 has exited \(a zombie its parent has not reaped yet\)/,
      );
    // A main thread that called pthread_exit is a zombie while its other threads run: still offered.
    const status = await h.fs.readText("/proc/10828/status");
    h.fs.files.set("/proc/10828/status", status.replace(/^Threads:\t1$/m, "Threads:\t2"));
    await expect(backend.apply(change("cpu-affinity", "pid:10828", [0]), { dryRun: true })).resolves.toMatchObject({
      applied: [0],
    });
  });
});
