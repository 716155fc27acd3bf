import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LiveBackend } from "../../live/live-backend.js";
import { FIXTURES } from "../helpers/fixture-runner.js";

describe("a captured host tree (--root)", () => {
  it("runs no program: taskset, ethtool and getconf would act on this host, not on the tree", async () => {
    const backend = await LiveBackend.open({
      root: join(FIXTURES, "kvm-2cpu"),
      stateDir: mkdtempSync(join(tmpdir(), "tt-root-")),
      isRoot: true,
    });
    // The tree has eth0 and the test VM has a real eth0 with ethtool: no NIC knob may come from it.
    const knobs = (await backend.knobs()).map((ref) => ref.knob);
    expect(knobs.filter((knob) => knob.startsWith("nic-"))).toEqual([]);
    expect(knobs).toContain("io-scheduler");
    const { topology, caches } = await backend.discover();
    expect(topology.interfaces.every((iface) => iface.maxRing === undefined)).toBe(true);
    expect(caches.source).not.toBe("cpuid"); // getconf would read this machine's CPU
    await expect(
      backend.apply({
        id: "x",
        knob: { knob: "nic-offloads", target: "eth0" },
        to: { gro: false },
        component: "t",
        reason: "t",
      }),
    ).rejects.toThrow(/not offered here/);
    // Nor a process of the tree: taskset would pin the pid of this host.
    await expect(
      backend.apply({
        id: "y",
        knob: { knob: "cpu-affinity", target: "pid:10828" },
        to: [0],
        component: "t",
        reason: "t",
      }),
    ).rejects.toThrow(/taskset cannot be run: not installed \(util-linux\), or the host is a captured tree/);
  });
});
