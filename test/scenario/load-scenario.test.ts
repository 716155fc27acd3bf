import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { loadScenario, mergeConfig } from "../../src/scenario/load-scenario.js";
import { scenarioJsonSchema } from "../../src/scenario/scenario-json-schema.js";
import { parseKeyPath } from "../../src/scenario/scenario-override.js";

const ROOT = join(import.meta.dirname, "..", "..");

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "twintune-scenario-"));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const BASE = `name: base
host:
  model: seed-2s16c
  devices:
    - { name: sda, model: sata-ssd, scheduler: mq-deadline }
paths:
  - { name: lan, model: lan-10g }
vms:
  - name: web
    vcpus: 2
    memoryGiB: 8
    workload:
      arrivals: { clients: 4, thinkMs: 10 }
      request: { cpuMs: 1, io: { device: sda, reads: 1 }, network: { path: lan, bytes: 1000 } }
`;

function errorOf(file: string): ConfigError {
  try {
    loadScenario(file);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("scenario loading", () => {
  it("loads the shipped seed-fleet scenario: 10 m5.large VMs at $0.10/hour, $730/month", () => {
    const { scenario, host } = loadScenario(join(ROOT, "scenarios", "seed-fleet.yaml"));
    expect(host.name).toBe("seed-2s16c");
    expect(scenario.vms).toHaveLength(10);
    expect(scenario.vms.every((vm) => vm.instanceType === "m5.large" && vm.vcpus === 2 && vm.memoryGiB === 8)).toBe(
      true,
    );
    expect(scenario.vms.reduce((sum, vm) => sum + (vm.hourlyUsd ?? 0), 0) * 730).toBeCloseTo(730, 6);
    // Untuned: no pinning, memory split over both nodes, default schedulers and TCP.
    expect(scenario.vms.every((vm) => vm.affinity === undefined && vm.memory.mode === "default")).toBe(true);
    expect(scenario.host.sysctls.congestionControl).toBe("cubic");
    expect(scenario.host.sysctls.tcpRmem).toEqual([4096, 131072, 6291456]);
  });

  it("merges includes with the including file's keys winning, objects merged and lists replaced", () => {
    const dir = folder({
      "base.yaml": BASE,
      "child.yaml": "include: [base.yaml]\nname: child\nseed: 9\nhost: { sysctls: { congestionControl: bbr } }\n",
    });
    const { scenario } = loadScenario(join(dir, "child.yaml"));
    expect(scenario.name).toBe("child");
    expect(scenario.seed).toBe(9);
    expect(scenario.host.model).toBe("seed-2s16c");
    expect(scenario.host.sysctls.congestionControl).toBe("bbr");
    expect(scenario.vms[0]?.name).toBe("web");
    expect(mergeConfig({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] } });
    // One file may be named without a list.
    const single = folder({ "base.yaml": BASE, "one.yaml": "include: base.yaml\nname: one\n" });
    expect(loadScenario(join(single, "one.yaml")).scenario.host.model).toBe("seed-2s16c");
  });

  it("a fleet that right-sizes must observe long enough for the engine to decide anything", () => {
    const fleet = join(import.meta.dirname, "..", "fixtures", "scenarios", "tiny-fleet.yaml");
    const withObserve = (value: string) =>
      loadScenario(fleet, undefined, [{ path: parseKeyPath("fleet.observe"), value, label: "--set fleet.observe" }]);
    expect(() => withObserve("1d")).toThrow(
      /fleet\.observe: expected at least 25h with a step of 15m: the right-sizing engine decides nothing before 24 h and 100 samples of a VM, got 1d/,
    );
    expect(withObserve("25h").scenario.fleet?.observe).toBe(25 * 3_600_000);
    // Without right-sizing, any observation will do.
    expect(
      loadScenario(fleet, undefined, [
        { path: parseKeyPath("fleet.observe"), value: "1d", label: "--set fleet.observe" },
        { path: parseKeyPath("tuning.components"), value: ["cost"], label: "--set tuning.components" },
      ]).scenario.fleet?.observe,
    ).toBe(86_400_000);
  });

  it("warns before the run when an open-arrival VM's CPU demand alone exceeds its vCPUs", () => {
    const noisy = join(import.meta.dirname, "..", "..", "scenarios", "noisy-neighbour.yaml");
    const at = (rate: number) =>
      loadScenario(noisy, undefined, [
        { path: parseKeyPath("vms[0].workload.arrivals.ratePerSec"), value: rate, label: "--set" },
      ]).warnings;
    expect(at(500)).toEqual([]);
    expect(at(100_000)).toEqual([
      expect.stringMatching(
        /^web-1: 100,000 requests\/s from the start x 1\.5 ms of CPU need 150\.0 CPUs, 75\.0x its 2 vCPUs/,
      ),
    ]);
  });

  it("warns when the VMs' resident memory adds up to more than the host has (overcommit the twin does not model)", () => {
    const seed = join(import.meta.dirname, "..", "..", "scenarios", "seed-fleet.yaml");
    // 51 GiB resident of the host's 64. Each web grown to an m5.xlarge using 16 GiB adds 10.5.
    expect(loadScenario(seed).warnings).toEqual([]);
    const grown = (webs: number) =>
      loadScenario(
        seed,
        undefined,
        Array.from({ length: webs }, (_, i) => [
          { path: parseKeyPath(`vms[${i}].instanceType`), value: "m5.xlarge", label: "--set" },
          { path: parseKeyPath(`vms[${i}].memoryGiB`), value: 16, label: "--set" },
          { path: parseKeyPath(`vms[${i}].workload.memoryUsedGiB`), value: 16, label: "--set" },
        ]).flat(),
      ).warnings;
    expect(grown(1)).toEqual([]);
    expect(grown(2)).toEqual([
      "the VMs' resident memory adds up to 72 GiB, more than the 64 GiB of host model 'seed-2s16c': the twin does not model swapping or ballooning, so it runs them as if they fitted",
    ]);
  });

  it("prices a VM from the instance catalog when hourlyUsd is left out, and keeps one that is given", () => {
    const typed = BASE.replace("    vcpus: 2", "    instanceType: m5.large\n    vcpus: 2");
    const dir = folder({
      "a.yaml": typed,
      "b.yaml": typed.replace("    vcpus: 2", "    hourlyUsd: 0.1\n    vcpus: 2"),
    });
    // models/instances.yaml: m5.large on demand, $0.096 an hour.
    expect(loadScenario(join(dir, "a.yaml")).scenario.vms[0]?.hourlyUsd).toBe(0.096);
    expect(loadScenario(join(dir, "b.yaml")).scenario.vms[0]?.hourlyUsd).toBe(0.1);
  });

  it("maps legacy scheduler names to blk-mq with a warning", () => {
    const dir = folder({ "s.yaml": BASE.replace("scheduler: mq-deadline", "scheduler: cfq") });
    const resolved = loadScenario(join(dir, "s.yaml"));
    expect(resolved.scenario.host.devices[0]?.scheduler).toBe("bfq");
    expect(resolved.warnings[0]).toMatch(/legacy single-queue name; using its blk-mq successor 'bfq'/);
  });

  it("errors name the file, the line, the key path and what was expected, also inside an include", () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [
        { "s.yaml": BASE.replace("memoryGiB: 8", "memoryGiB: *eight") },
        "s.yaml",
        /s\.yaml:11:16: alias \*eight names no anchor set before it \(&eight\)/,
      ],
      [
        { "s.yaml": `${BASE}tags: &t [a, *t]\n` },
        "s.yaml",
        /s\.yaml:15:14: alias \*t is inside the node &t marks: a cycle/,
      ],
      [
        { "s.yaml": BASE.replace("vcpus: 2", "vcpus: two") },
        "s.yaml",
        /s\.yaml:10:\d+: vms\[0\]\.vcpus: expected number, got "two"/,
      ],
      [
        { "s.yaml": BASE.replace("model: seed-2s16c", "model: seed-3s") },
        "s.yaml",
        /s\.yaml:3:\d+: host\.model: unknown host model 'seed-3s'; known: /,
      ],
      [
        { "s.yaml": BASE.replace("device: sda", "device: sdz") },
        "s.yaml",
        /vms\[0\]\.workload\.request\.io\.device: no device 'sdz' on the host; devices: sda/,
      ],
      [{ "s.yaml": BASE.replace("path: lan", "path: moon") }, "s.yaml", /network\.path: no path 'moon'; paths: lan/],
      [
        { "s.yaml": `${BASE}    affinity: "0-99"\n` },
        "s.yaml",
        /vms\[0\]\.affinity: CPUs 16,17,.* are not on host model 'seed-2s16c'/,
      ],
      [
        { "s.yaml": BASE.replace("scheduler: mq-deadline", "scheduler: turbo") },
        "s.yaml",
        /devices\[0\]\.scheduler: unknown I\/O scheduler 'turbo'/,
      ],
      [
        { "s.yaml": BASE.replace("name: base", "name: base\nduration: forever") },
        "s.yaml",
        /s\.yaml:2:\d+: duration: expected a duration like 30s/,
      ],
      [
        { "s.yaml": BASE.replace("name: base", "name: base\nduration: 40") },
        "s.yaml",
        /s\.yaml:2:\d+: duration: expected a duration with a unit, like 30s, 5m, 2h or 7d, got 40/,
      ],
      [
        { "s.yaml": BASE.replace("name: base", "name: base\nduration: 10000d") },
        "s.yaml",
        /s\.yaml:2:\d+: duration: expected at most 7d, got 10000d: the twin simulates each request/,
      ],
      [
        { "s.yaml": `${BASE}evaluation: { warmup: 2m, window: 1d }\n` },
        "s.yaml",
        /evaluation\.window: expected warmup \+ window at most 1d, got 1442m: both configurations are simulated/,
      ],
      [
        {
          "s.yaml": `${BASE}  - { name: b, vcpus: 2, memoryGiB: 8, workload: { arrivals: { clients: 1000000, thinkMs: 1e9 }, request: { cpuMs: 1 } } }\n  - { name: c, vcpus: 2, memoryGiB: 8, workload: { arrivals: { ratePerSec: 1000000, burst: { every: 1h, lasting: 1m, factor: 2 } }, request: { cpuMs: 1 } } }\n`,
        },
        "s.yaml",
        /vms: the VMs' clients and 3 s of their peak arrivals add up to 7,000,004 requests, more than the 4,000,000 the twin holds at once/,
      ],
      [
        { "s.yaml": BASE.replace("clients: 4, thinkMs: 10", "clients: 4000000, thinkMs: 10") },
        "s.yaml",
        /arrivals\.clients: expected a number at most 1000000, got 4000000: the twin simulates each request/,
      ],
      [
        { "s.yaml": BASE.replace("name: base", "name: base\ncolour: blue") },
        "s.yaml",
        /s\.yaml:2:\d+: colour: unknown key 'colour'; known keys: include, name, description, seed, duration, host/,
      ],
      [
        { "s.yaml": BASE.replace("name: base", "name: base\nsede: 2") },
        "s.yaml",
        /s\.yaml:2:\d+: sede: unknown key 'sede' \(did you mean 'seed'\?\)/,
      ],
      [
        { "s.yaml": BASE.replace("model: seed-2s16c", "model: seed-2s16c\n  sysctls:\n    tcpRmemx: [1, 2, 3]") },
        "s.yaml",
        /s\.yaml:5:\d+: host\.sysctls\.tcpRmemx: unknown key 'tcpRmemx' \(did you mean 'tcpRmem' or 'tcpWmem'\?\)/,
      ],
      [
        { "s.yaml": BASE.replace("name: base", "name: base\nseed: -5") },
        "s.yaml",
        /s\.yaml:2:\d+: seed: expected a number at least 0, got -5/,
      ],
      [
        { "s.yaml": BASE.replace("name: base", "name: base\ntuning:\n  interval: 0s") },
        "s.yaml",
        /s\.yaml:3:\d+: tuning\.interval: expected at least 1m: each round observes/,
      ],
      [
        { "s.yaml": BASE.replace("name: base", "name: base\nevaluation: { window: 0m }") },
        "s.yaml",
        /s\.yaml:2:\d+: evaluation\.window: expected at least 10s/,
      ],
      [
        // An unknown key is pointed at itself, not at its value.
        { "s.yaml": BASE.replace("name: base", "name: base\nbogusKey:   1") },
        "s.yaml",
        /s\.yaml:2:1: bogusKey: unknown key 'bogusKey'/,
      ],
      [
        { "s.yaml": BASE.replace("name: base", "name: base\nevaluation: { window: 1ms }") },
        "s.yaml",
        /s\.yaml:2:\d+: evaluation\.window: expected at least 10s: a shorter window holds too few requests/,
      ],
      [
        { "s.yaml": BASE.replace("    workload:\n", "    workload:\n      memoryUsedGiB: 40\n") },
        "s.yaml",
        /s\.yaml:13:\d+: vms\[0\]\.workload\.memoryUsedGiB: expected at most the VM's memoryGiB \(8\), got 40/,
      ],
      [{ "folder.yaml/x": "" }, "folder.yaml", /folder\.yaml: cannot read: it is a folder/],
      [
        { "c.yaml": "name: c\ninclude:\n  - base.yaml\n  - missing.yaml\n", "base.yaml": BASE },
        "c.yaml",
        /c\.yaml:4:\d+: include\[1\]: no such file: .*missing\.yaml$/,
      ],
      [
        { "c.yaml": "name: c\ninclude: ['']\n" },
        "c.yaml",
        /c\.yaml:2:\d+: include\[0\]: expected a file path, got an empty string/,
      ],
      [
        { "c.yaml": "name: c\ninclude: [sub]\n", "sub/x": "" },
        "c.yaml",
        /c\.yaml:2:\d+: include\[0\]: .*sub is a folder/,
      ],
      [
        { "base.yaml": BASE.replace("cpuMs: 1", "cpuMs: -1"), "c.yaml": "include: [base.yaml]\nname: c\n" },
        "c.yaml",
        /base\.yaml:14:\d+: vms\[0\]\.workload\.request\.cpuMs: /,
      ],
      [
        { "a.yaml": "include: [b.yaml]\nname: a\n", "b.yaml": "include: [a.yaml]\nname: b\n" },
        "a.yaml",
        /includes itself/,
      ],
      [{ "s.yaml": "name: [unclosed" }, "s.yaml", /s\.yaml:1:\d+: /],
      // A union (open or closed arrivals) names the key at fault, not zod's "Invalid input".
      [
        { "s.yaml": BASE.replace("clients: 4, thinkMs: 10", "ratePerSecond: 100") },
        "s.yaml",
        /s\.yaml:13:\d+: vms\[0\]\.workload\.arrivals\.ratePerSecond: unknown key 'ratePerSecond' \(did you mean 'ratePerSec'\?\)/,
      ],
      [
        { "s.yaml": BASE.replace("thinkMs: 10", "thinkMS: 10") },
        "s.yaml",
        /arrivals\.thinkMS: unknown key 'thinkMS' \(did you mean 'thinkMs'\?\)/,
      ],
      [
        { "s.yaml": BASE.replace("clients: 4, thinkMs: 10", "ratePerSec: 9, daily: { amplitude: 0.3, peek: 12 }") },
        "s.yaml",
        /arrivals\.daily\.peek: unknown key 'peek' \(did you mean 'peak'\?\)/,
      ],
      [
        { "s.yaml": BASE.replace("clients: 4, thinkMs: 10", "foo: 1") },
        "s.yaml",
        /vms\[0\]\.workload\.arrivals: expected the keys of one of \{ratePerSec, daily, weekly, trendPerDay, burst\} or \{clients, thinkMs\}, got \{"foo":1\}/,
      ],
      [
        { "s.yaml": BASE.replace("vcpus: 2", "vcpus: 2.5") },
        "s.yaml",
        /vms\[0\]\.vcpus: expected an integer, got 2\.5/,
      ],
      [
        { "s.yaml": BASE.replace("model: seed-2s16c", "model: seed-2s16c\n  sysctls:\n    tcpRmem: [4096, 131072]") },
        "s.yaml",
        /host\.sysctls\.tcpRmem: expected at least 3 items, got 2/,
      ],
      [
        {
          "s.yaml": BASE.replace(
            "model: seed-2s16c",
            "model: seed-2s16c\n  sysctls:\n    tcpRmem: [6291456, 131072, 4096]",
          ),
        },
        "s.yaml",
        /s\.yaml:5:\d+: host\.sysctls\.tcpRmem: expected min <= default <= max/,
      ],
      [
        {
          "s.yaml": BASE.replace(
            "model: seed-2s16c",
            "model: seed-2s16c\n  sysctls:\n    tcpWmem: [4096, 16384, 4294967296]",
          ),
        },
        "s.yaml",
        /host\.sysctls\.tcpWmem\[2\]: expected a number at most 1073741824, got 4294967296: the 1 GiB sanity bound/,
      ],
      [
        { "s.yaml": BASE.replace("scheduler: mq-deadline", "scheduler: mq-deadline, readAheadKb: 999999") },
        "s.yaml",
        /devices\[0\]\.readAheadKb: expected a number at most 65536, got 999999: the 64 MiB sanity bound/,
      ],
      [
        {
          "s.yaml": BASE.replace(
            "model: seed-2s16c",
            "model: seed-2s16c\n  sysctls:\n    congestionControl: bbr\n    availableCongestionControl: [reno, cubic]",
          ),
        },
        "s.yaml",
        /s\.yaml:5:\d+: host\.sysctls\.congestionControl: expected one of availableCongestionControl \(reno, cubic\), got "bbr"/,
      ],
      [
        {
          "s.yaml": BASE.replace(
            "model: seed-2s16c",
            "model: seed-2s16c\n  sysctls:\n    availableCongestionControl: []",
          ),
        },
        "s.yaml",
        /host\.sysctls\.availableCongestionControl: expected at least 1 item, got 0/,
      ],
      // A VM billed as an instance type: the type exists and holds the VM.
      [
        { "s.yaml": BASE.replace("    vcpus: 2", "    instanceType: m5.larg\n    vcpus: 2") },
        "s.yaml",
        /s\.yaml:10:\d+: vms\[0\]\.instanceType: unknown instance type 'm5\.larg' in .*instances\.yaml \(did you mean 'm5\.large'/,
      ],
      [
        { "s.yaml": BASE.replace("    vcpus: 2", "    instanceType: m5.xlarge\n    vcpus: 400") },
        "s.yaml",
        /vms\[0\]\.vcpus: expected at most the 4 vCPUs of m5\.xlarge, got 400/,
      ],
      [
        {
          "s.yaml": BASE.replace("    vcpus: 2", "    instanceType: m5.large\n    vcpus: 2").replace(
            "memoryGiB: 8",
            "memoryGiB: 16",
          ),
        },
        "s.yaml",
        /vms\[0\]\.memoryGiB: expected at most the 8 GiB of m5\.large, got 16/,
      ],
      [
        { "s.yaml": BASE.replace("memoryGiB: 8", "memoryGiB: 100000") },
        "s.yaml",
        /s\.yaml:11:\d+: vms\[0\]\.memoryGiB: expected at most the host's 64 GiB \(host model 'seed-2s16c'\), got 100000/,
      ],
      [
        { "s.yaml": BASE.replace("  devices:", "  interfaces: []\n  devices:") },
        "s.yaml",
        /vms\[0\]\.workload\.request\.network: the VM sends over the network, but the host has no interface/,
      ],
    ];
    for (const [files, entry, pattern] of cases) {
      const error = errorOf(join(folder(files), entry));
      expect(error.message).toMatch(pattern);
    }
  });

  it("publishes a JSON Schema that matches the zod schema (npm run schema regenerates it)", () => {
    const committed = JSON.parse(readFileSync(join(ROOT, "scenarios", "scenario.schema.json"), "utf8"));
    expect(committed).toEqual(scenarioJsonSchema());
    expect(committed.required).toEqual(expect.arrayContaining(["name", "host"]));
    // A scenario has either VMs or a fleet section that generates them.
    expect(Object.keys(committed.properties)).toEqual(expect.arrayContaining(["vms", "fleet"]));
  });
});
