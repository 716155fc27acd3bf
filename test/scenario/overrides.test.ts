import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import { applyOverrides, parseKeyPath } from "../../src/scenario/scenario-override.js";

const SEED = join(import.meta.dirname, "..", "..", "scenarios", "seed-fleet.yaml");
const set = (key: string, value: unknown) => ({
  path: parseKeyPath(key),
  value,
  label: `--set ${key}=${JSON.stringify(value)}`,
});

function errorOf(work: () => unknown): ConfigError {
  try {
    work();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("scenario overrides (--set)", () => {
  it("reads key paths with dots or brackets", () => {
    expect(parseKeyPath("tuning.interval")).toEqual(["tuning", "interval"]);
    expect(parseKeyPath("vms[2].workload.arrivals.clients")).toEqual(["vms", 2, "workload", "arrivals", "clients"]);
    expect(parseKeyPath("vms.2.vcpus")).toEqual(["vms", 2, "vcpus"]);
    expect(parseKeyPath("host.sysctls.tcpRmem[2]")).toEqual(["host", "sysctls", "tcpRmem", 2]);
    expect(parseKeyPath("a..b")).toEqual([]);
  });

  it("sets values anywhere the schema has them, including defaults the file leaves out", () => {
    const resolved = loadScenario(SEED, undefined, [
      set("tuning.degradationThreshold", 0.05),
      set("vms[1].vcpus", 1),
      set("host.sysctls.congestionControl", "bbr"),
      set("evaluation.window", "3m"),
      set("paths.1.rttMs", 80),
    ]);
    const s = resolved.scenario;
    expect(s.tuning.degradationThreshold).toBe(0.05);
    expect(s.vms[1]?.vcpus).toBe(1);
    expect(s.vms[0]?.vcpus).toBe(2);
    expect(s.host.sysctls.congestionControl).toBe("bbr");
    expect(s.evaluation.window).toBe(180_000);
    expect(resolved.paths[1]?.rttMs).toBe(80);
  });

  it("an unknown key names the flag, the key path and the keys that exist there", () => {
    const error = errorOf(() => loadScenario(SEED, undefined, [set("tuning.degradationThresold", 0.1)]));
    expect(error.message).toBe(
      "--set tuning.degradationThresold=0.1: tuning.degradationThresold: unknown key 'degradationThresold' (did you mean 'degradationThreshold'?)",
    );
    expect(errorOf(() => loadScenario(SEED, undefined, [set("nope.x", 1)])).keyPath).toBe("nope");
    expect(errorOf(() => loadScenario(SEED, undefined, [set("duration.x", 1)])).problem).toMatch(/is a value/);
    expect(errorOf(() => loadScenario(SEED, undefined, [set("vms.x", 1)])).problem).toMatch(/expected a list index/);
    expect(errorOf(() => loadScenario(SEED, undefined, [set("host.sysctls.tcpRmem[3]", 1)])).problem).toMatch(/0-2/);
  });

  it("an index past the end of a list in the file is an error, not a silent append", () => {
    const error = errorOf(() => loadScenario(SEED, undefined, [set("vms[10].vcpus", 2)]));
    expect(error.message).toMatch(
      /^--set vms\[10\]\.vcpus=2: vms\[10\]: index past the end: the scenario has 10 entries/,
    );
  });

  it("a bad value names the flag rather than a line of the file", () => {
    const error = errorOf(() => loadScenario(SEED, undefined, [set("vms[0].vcpus", "two")]));
    expect(error.file).toBe('--set vms[0].vcpus="two"');
    expect(error.keyPath).toBe("vms[0].vcpus");
    expect(error.problem).toMatch(/expected number/);
    const reference = errorOf(() => loadScenario(SEED, undefined, [set("host.model", "seed-3s")]));
    expect(reference.problem).toMatch(/unknown host model 'seed-3s'; known: /);
    expect(reference.file).toMatch(/^--set host\.model/);
  });

  it("a flag that creates a section the file lacks is blamed for what that section misses", () => {
    const error = errorOf(() => loadScenario(SEED, undefined, [set("fleet.spot.share", 0.5)]));
    expect(error.file).toBe("--set fleet.spot.share=0.5");
    expect(error.message).toMatch(/fleet\.vms: .*missing \(the scenario has no fleet; this flag would create one\)$/);
  });

  it("a rule across fields broken by a flag names the flag, not the file holding the other field", () => {
    const numa = join(import.meta.dirname, "..", "..", "scenarios", "numa-heavy.yaml");
    const memory = errorOf(() => loadScenario(numa, undefined, [set("vms[0].memoryGiB", 8)]));
    expect(memory.message).toBe(
      "--set vms[0].memoryGiB=8: vms[0].workload.memoryUsedGiB: expected at most the VM's memoryGiB (8), got 20",
    );
    const spot = join(import.meta.dirname, "..", "..", "scenarios", "spot-heavy.yaml");
    const window = errorOf(() => loadScenario(spot, undefined, [set("duration", "3d")]));
    expect(window.file).toBe('--set duration="3d"');
    expect(window.keyPath).toBe("fleet.observe");
  });

  it("a flag that set one item of a value at fault is named (tcpRmem[0] making the triple out of order)", () => {
    const error = errorOf(() => loadScenario(SEED, undefined, [set("host.sysctls.tcpRmem[0]", 99_999_999)]));
    expect(error.message).toBe(
      "--set host.sysctls.tcpRmem[0]=99999999: host.sysctls.tcpRmem: expected min <= default <= max (the kernel's order for tcp_rmem and tcp_wmem)",
    );
    const interfaces = errorOf(() => loadScenario(SEED, undefined, [set("host.interfaces", [])]));
    expect(interfaces.file).toBe("--set host.interfaces=[]");
    expect(interfaces.problem).toMatch(/sends over the network, but the host has no interface/);
  });

  it("refuses include (read with the file, before any flag), and indexes into a list left at its default", () => {
    const include = errorOf(() => loadScenario(SEED, undefined, [set("include", "other.yaml")]));
    expect(include.message).toMatch(/^--set include="other\.yaml": include: cannot be set on the command line/);
    // A list the file leaves out is its default: one eth0 to index into, or none at all.
    const wan = join(import.meta.dirname, "..", "..", "scenarios", "wan-transfer.yaml");
    const tiny = join(import.meta.dirname, "..", "fixtures", "scenarios", "tiny-host.yaml");
    const rings = loadScenario(tiny, undefined, [set("host.interfaces[0].rxRing", 1024)]).scenario.host.interfaces;
    expect(rings).toEqual([{ name: "eth0", speedMbps: 10000, rxRing: 1024, txRing: 256, maxRing: 4096 }]);
    const devices = errorOf(() => loadScenario(wan, undefined, [set("host.devices[0].readAheadKb", 256)]));
    expect(devices.message).toMatch(/host\.devices\[0\]: index past the end: the scenario has 0 entries here$/);
    const ring = errorOf(() => loadScenario(tiny, undefined, [set("host.interfaces[0].rxRing", 8192)]));
    expect(ring.message).toBe(
      "--set host.interfaces[0].rxRing=8192: host.interfaces[0].rxRing: expected at most maxRing (4096), got 8192",
    );
  });

  it("a number too big for a double (1e400 reads as Infinity) is shown as such, not as null", () => {
    const error = errorOf(() => loadScenario(SEED, undefined, [set("vms[0].vcpus", Number.POSITIVE_INFINITY)]));
    expect(error.message).toMatch(/vms\[0\]\.vcpus: expected number, got Infinity$/);
  });

  it("zero durations are refused where they are set, before anything runs", () => {
    for (const key of ["tuning.interval", "tuning.validation", "evaluation.window", "duration"]) {
      const error = errorOf(() => loadScenario(SEED, undefined, [set(key, "0s")]));
      expect(error.message).toBe(
        key === "evaluation.window"
          ? `--set ${key}="0s": ${key}: expected at least 10s: a shorter window holds too few requests to measure throughput or a P95`
          : key === "tuning.interval"
            ? `--set ${key}="0s": ${key}: expected at least 1m: each round observes, tries its candidates on the twin and validates; a shorter one measures too few requests`
            : `--set ${key}="0s": ${key}: expected a duration above zero, like 30s or 5m`,
      );
    }
    expect(loadScenario(SEED, undefined, [set("evaluation.warmup", "0s")]).scenario.evaluation.warmup).toBe(0);
  });

  it("leaves problems of the file itself located in the file", () => {
    const error = errorOf(() =>
      loadScenario(join(import.meta.dirname, "..", "fixtures", "scenarios", "small-host.yaml"), undefined, [
        set("vms[0].memory.nodes", [5]),
      ]),
    );
    expect(error.file).toMatch(/^--set/);
    expect(error.problem).toMatch(/node 5 is not on host model/);
  });

  it("does not change the data it is given", () => {
    const data = { tuning: { interval: "5m" }, vms: [{ vcpus: 2 }] };
    const copy = structuredClone(data);
    applyOverrides(data, [set("tuning.interval", "1m"), set("vms[0].vcpus", 4)]);
    expect(data).toEqual(copy);
  });
});
