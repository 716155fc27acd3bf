import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { heldInTicks, kernelHz, parseConfigHz } from "../../live/discovery/kernel-hz.js";
import { LocalHostFs } from "../../live/host-fs.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/live");

/** msecs_to_jiffies then jiffies_to_msecs as the kernel computes them where HZ divides 1000 (include/linux/jiffies.h), in integers. */
function kernelRoundTrip(ms: number, hz: number): number {
  const jiffies = Math.floor((ms + 1000 / hz - 1) / (1000 / hz)); // _msecs_to_jiffies: rounds up
  return (1000 / hz) * jiffies; // jiffies_to_msecs
}

describe("the kernel's tick rate", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("is read from /proc/config.gz as captured from a real host (6.18, HZ=250)", async () => {
    expect(await kernelHz(await LocalHostFs.open(join(FIXTURES, "kvm-2cpu")))).toBe(250);
  });

  it("prefers /boot/config-<release>, and says nothing rather than guess", async () => {
    const root = mkdtempSync(join(tmpdir(), "twintune-hz-"));
    dirs.push(root);
    mkdirSync(join(root, "proc/sys/kernel"), { recursive: true });
    mkdirSync(join(root, "boot"));
    const fs = await LocalHostFs.open(root);
    expect(await kernelHz(fs)).toBeUndefined(); // neither file
    writeFileSync(join(root, "proc/sys/kernel/osrelease"), "6.1.0-13-amd64\n");
    writeFileSync(join(root, "proc/config.gz"), gzipSync("CONFIG_HZ_250=y\nCONFIG_HZ=250\n"));
    writeFileSync(
      join(root, "boot/config-6.1.0-13-amd64"),
      "# CONFIG_HZ_100 is not set\nCONFIG_HZ_300=y\nCONFIG_HZ=300\n",
    );
    expect(await kernelHz(fs)).toBe(300);
    writeFileSync(join(root, "boot/config-6.1.0-13-amd64"), "CONFIG_HZ_PERIODIC=y\n"); // no CONFIG_HZ: the next source
    expect(await kernelHz(fs)).toBe(250);
    writeFileSync(join(root, "proc/config.gz"), "CONFIG_HZ=250\n"); // not gzip
    expect(await kernelHz(fs)).toBeUndefined();
  });

  it("believes only the rates Kconfig offers", () => {
    expect(parseConfigHz("CONFIG_HZ=1000\n")).toBe(1000);
    expect(parseConfigHz("CONFIG_HZ=1024\n")).toBeUndefined();
    expect(parseConfigHz("# CONFIG_HZ=250\n")).toBeUndefined();
  });

  it("rounds a value kept in ticks as msecs_to_jiffies and jiffies_to_msecs do", () => {
    expect(heldInTicks(125, 250)).toBe(128);
    expect(heldInTicks(501, 250)).toBe(504);
    expect(heldInTicks(500, 250)).toBe(500);
    expect(heldInTicks(125, 100)).toBe(130);
    // HZ=300: 125 ms is 38 ticks, read as 127, which written again is 39 ticks: nothing to plan.
    expect(heldInTicks(125, 300)).toBeUndefined();
    expect(heldInTicks(0, 250)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom(100, 250, 1000), (ms, hz) => {
        const held = heldInTicks(ms, hz) as number;
        expect(held).toBe(kernelRoundTrip(ms, hz));
        expect(heldInTicks(held, hz)).toBe(held); // what the kernel holds, written back, stays
      }),
    );
  });
});
