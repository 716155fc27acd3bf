import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadHostCatalog } from "../../src/catalog/host-catalog.js";
import { hostTopology } from "../../src/catalog/host-topology.js";
import { ConfigError } from "../../src/config/config-error.js";

describe("the shipped host catalog", () => {
  const hosts = loadHostCatalog();
  const byName = (name: string) => {
    const host = hosts.find((h) => h.name === name);
    if (host === undefined) throw new Error(`no host ${name}`);
    return host;
  };

  it("has the seed document's 2-socket host: 2 nodes, CPUs 0-7 and 8-15, 32 GiB each, SLIT 10/20, SMT siblings", () => {
    const topology = hostTopology(byName("seed-2s16c"));
    expect(topology.nodes.map((n) => n.cpus)).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [8, 9, 10, 11, 12, 13, 14, 15],
    ]);
    expect(topology.nodes.map((n) => n.distances)).toEqual([
      [10, 20],
      [20, 10],
    ]);
    expect(topology.nodes.every((n) => n.memoryBytes === 32 * 1024 ** 3)).toBe(true);
    expect(topology.cpus.find((c) => c.id === 0)?.siblings).toEqual([0, 1]);
    expect(topology.cpus.find((c) => c.id === 9)?.siblings).toEqual([8, 9]);
    const l3 = topology.caches.filter((c) => c.level === 3);
    expect(l3.map((c) => c.sharedCpus)).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [8, 9, 10, 11, 12, 13, 14, 15],
    ]);
  });

  it("has a 1-socket 8-core host, a 2-socket Xeon with SLIT 10/21 and an 8-node EPYC with 10/12/32", () => {
    const single = hostTopology(byName("xeon-e2388g-1s8c"));
    expect(single.nodes).toHaveLength(1);
    expect(new Set(single.cpus.map((c) => c.coreId)).size).toBe(8);
    expect(single.cpus.find((c) => c.id === 0)?.siblings).toEqual([0, 8]);
    expect(hostTopology(byName("xeon-2s-ivb")).nodes[0]?.distances).toEqual([10, 21]);
    const epyc = hostTopology(byName("epyc-2s-nps4"));
    expect(epyc.nodes).toHaveLength(8);
    expect(new Set(epyc.nodes.flatMap((n) => n.distances))).toEqual(new Set([10, 12, 32]));
    // 16 MiB L3 per 4-core CCX: 8 threads share each, 16 instances.
    const l3 = epyc.caches.filter((c) => c.level === 3);
    expect(l3).toHaveLength(16);
    expect(l3.every((c) => c.sharedCpus.length === 8 && c.sizeBytes === 16 * 1024 ** 2)).toBe(true);
  });

  it("every host's remote/local latency ratio is a measured-looking 1.0-2.1, not a SLIT ratio", () => {
    for (const host of hosts) {
      host.memory.latencyNs.forEach((row, i) => {
        for (const latency of row) expect(latency / (row[i] as number)).toBeLessThanOrEqual(2.12);
      });
    }
  });
});

describe("catalog errors", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const write = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), "twintune-"));
    dirs.push(dir);
    const file = join(dir, "hosts.yaml");
    writeFileSync(file, text);
    return file;
  };
  const base = `hosts:
  - name: tiny
    description: test
    sockets: 1
    threadsPerCore: 1
    siblingNumbering: adjacent
    cpuGHz: 2
    smtPairThroughput: 1
    nodes:
      - { id: 0, socket: 0, cpus: "0-3", memoryGiB: 8, distances: [10] }
    caches:
      - { level: 3, type: unified, sizeKiB: 8192, sharedBy: socket }
    memory: { latencyNs: [[80]], bandwidthGBps: [[20]], source: test }
`;

  it("a valid minimal catalog loads", () => {
    expect(loadHostCatalog(write(base))[0]?.name).toBe("tiny");
  });

  it("name the file, line, key path and what was expected", () => {
    const cases: [string, RegExp][] = [
      [
        base.replace('cpus: "0-3"', 'cpus: "zero"'),
        /hosts\.yaml:10:\d+: hosts\[0\]\.nodes\[0\]\.cpus: expected a CPU list/,
      ],
      [base.replace("cpuGHz: 2", "cpuGHz: fast"), /hosts\.yaml:7:\d+: hosts\[0\]\.cpuGHz: expected number, got "fast"/],
      [
        base.replace("sockets: 1", "sockets: 1\n    color: red"),
        /hosts\.yaml:5:\d+: hosts\[0\]\.color: unknown key 'color'; known keys: name, description, sockets/,
      ],
      [
        base.replace("distances: [10]", "distances: [10, 20]"),
        /hosts\[0\]\.nodes\[0\]\.distances: expected 1 distances/,
      ],
      [base.replace("latencyNs: [[80]]", "latencyNs: [[80, 90]]"), /memory\.latencyNs: expected a 1 x 1 matrix/],
      [base.replace("    cpuGHz: 2\n", ""), /hosts\[0\]\.cpuGHz: expected number, but it is missing/],
      ["hosts: [unclosed", /hosts\.yaml:1:\d+: /],
    ];
    for (const [text, pattern] of cases) {
      const file = write(text);
      let error: unknown;
      try {
        loadHostCatalog(file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message.startsWith(file)).toBe(true);
    }
    expect(() => loadHostCatalog("/nonexistent/hosts.yaml")).toThrow(/hosts\.yaml: cannot read: no such file/);
  });
});
