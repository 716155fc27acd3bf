import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatKnobValue, sameKnobValue } from "../src/backend.js";
import { formatCpuList, parseCpuList } from "../src/cpulist.js";

describe("CPU lists", () => {
  it("parse the kernel's formats", () => {
    expect(parseCpuList("0-3,8-11\n")).toEqual([0, 1, 2, 3, 8, 9, 10, 11]);
    expect(parseCpuList("5")).toEqual([5]);
    expect(parseCpuList("")).toEqual([]);
    expect(parseCpuList("0-7:2")).toEqual([0, 2, 4, 6]);
    expect(() => parseCpuList("3-1")).toThrow(/range/);
    expect(() => parseCpuList("a")).toThrow(/not a CPU list/);
  });

  it("format and parse are inverse (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(512)), (ids) => {
        expect(parseCpuList(formatCpuList(ids))).toEqual([...ids].sort((a, b) => a - b));
      }),
    );
    expect(formatCpuList([3, 0, 1, 2, 8])).toBe("0-3,8");
  });
});

describe("knob values", () => {
  it("format for people and compare structurally", () => {
    expect(formatKnobValue("cpu-affinity", [0, 1, 2, 3])).toBe("0-3");
    expect(formatKnobValue("tcp-rmem", [4096, 131072, 6291456])).toBe("4096 131072 6291456");
    expect(formatKnobValue("memory-policy", { mode: "interleave", nodes: [0, 1] })).toBe("interleave:0-1");
    expect(formatKnobValue("nic-rings", { rx: 512, tx: 256 })).toBe("rx 512 tx 256");
    expect(formatKnobValue("io-scheduler", "mq-deadline")).toBe("mq-deadline");
    expect(sameKnobValue([1, 2, 3], [1, 2, 3])).toBe(true);
    expect(sameKnobValue({ mode: "local", nodes: [] }, { mode: "bind", nodes: [0] })).toBe(false);
    expect(sameKnobValue("bbr", "bbr")).toBe(true);
  });
});
