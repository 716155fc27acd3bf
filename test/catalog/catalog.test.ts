import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CatalogError } from "../../src/catalog/catalog-error.js";
import { loadCatalog, parseCatalog } from "../../src/catalog/catalog-loader.js";

const problem = (text: string) => {
  try {
    parseCatalog(text, "my.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return error as CatalogError;
  }
  throw new Error("expected a CatalogError");
};

describe("the shipped catalog (models/instances.yaml)", () => {
  const catalog = loadCatalog();

  it("has m5, c5 and r5 from large to 4xlarge, with the published vCPUs and memory", () => {
    expect(catalog.types).toHaveLength(12);
    for (const family of ["m5", "c5", "r5"]) {
      const sizes = catalog.types.filter((type) => type.family === family).sort((a, b) => a.vcpus - b.vcpus);
      expect(sizes.map((type) => type.name)).toEqual(
        ["large", "xlarge", "2xlarge", "4xlarge"].map((size) => `${family}.${size}`),
      );
      expect(sizes.map((type) => type.vcpus)).toEqual([2, 4, 8, 16]);
      const perVcpu = { m5: 4, c5: 2, r5: 8 }[family] as number;
      for (const type of sizes) expect(type.memoryGiB).toBe(type.vcpus * perVcpu);
    }
    expect(catalog.get("m5.large")?.hourlyUsd).toBe(0.096);
    expect(catalog.region).toBe("us-east-1");
    expect(catalog.hoursPerMonth).toBe(730);
  });

  it("gives every price a source with a date, spot terms and reservation discounts", () => {
    for (const type of catalog.types) {
      const source = catalog.sources[type.source as string];
      expect(source?.date, type.name).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(source?.url).toMatch(/^https:\/\//);
      expect(type.spot?.discount).toBeGreaterThan(0);
      expect(type.spot?.interruptionRate).toBeGreaterThan(0);
      expect(type.reserved1yDiscount).toBeGreaterThan(0);
      expect(type.savingsPlan1yDiscount).toBeGreaterThan(0);
    }
  });

  it("lists types cheapest first and suggests close names", () => {
    const prices = catalog.types.map((type) => type.hourlyUsd);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(catalog.closeNames("m5.larg")).toContain("m5.large");
    expect(catalog.closeNames("zzz")).toEqual([]);
  });
});

describe("catalog files", () => {
  it("accept the minimal format in YAML and JSON", () => {
    const yaml = parseCatalog("instances:\n  - { name: a, vcpus: 2, memoryGiB: 8, hourlyUsd: 0.1 }\n", "min.yaml");
    const dir = mkdtempSync(join(tmpdir(), "catalog-"));
    writeFileSync(
      join(dir, "min.json"),
      JSON.stringify({ instances: [{ name: "a", vcpus: 2, memoryGiB: 8, hourlyUsd: 0.1 }] }),
    );
    const json = loadCatalog(join(dir, "min.json"));
    expect(json.types).toEqual(yaml.types);
    expect(json.types[0]).toEqual({ name: "a", vcpus: 2, memoryGiB: 8, hourlyUsd: 0.1 });
    expect(json.hoursPerMonth).toBe(730);
  });

  it("apply defaults unless an instance sets its own", () => {
    const catalog = parseCatalog(
      "defaults: { spot: { discount: 0.7, interruptionRate: 0.05 }, reserved1yDiscount: 0.4 }\ninstances:\n  - { name: a, vcpus: 2, memoryGiB: 8, hourlyUsd: 0.1, reserved1yDiscount: 0.3 }\n  - { name: b, vcpus: 4, memoryGiB: 16, hourlyUsd: 0.2 }\n",
      "d.yaml",
    );
    expect(catalog.get("a")?.reserved1yDiscount).toBe(0.3);
    expect(catalog.get("b")?.reserved1yDiscount).toBe(0.4);
    expect(catalog.get("b")?.spot).toEqual({ discount: 0.7, interruptionRate: 0.05 });
    expect(catalog.get("b")?.savingsPlan1yDiscount).toBeUndefined();
  });

  it("name the file, the line, the key path and what was expected", () => {
    const bad = problem("instances:\n  - name: a\n    vcpus: 2\n    memoryGiB: 4\n    hourlyUsd: abc\n");
    expect(bad.message).toBe('my.yaml:5: instances[0].hourlyUsd: expected a number, got "abc"');
    expect([bad.file, bad.line, bad.keyPath]).toEqual(["my.yaml", 5, "instances[0].hourlyUsd"]);
    expect(problem("instances:\n  - { name: a, vcpus: 2.5, memoryGiB: 4, hourlyUsd: 1 }\n").message).toBe(
      "my.yaml:2: instances[0].vcpus: expected a whole number, got 2.5",
    );
    expect(problem('{"instances": [\n {"name": "a", "vcpus": 2, "memoryGiB": -4, "hourlyUsd": 1}]}').message).toBe(
      "my.yaml:2: instances[0].memoryGiB: expected a number > 0, got -4",
    );
    expect(
      problem(
        "defaults:\n  spot: { discount: 1.5, interruptionRate: 0.1 }\ninstances:\n  - { name: a, vcpus: 2, memoryGiB: 4, hourlyUsd: 1 }\n",
      ).message,
    ).toBe("my.yaml:2: defaults.spot.discount: expected a number < 1, got 1.5");
    expect(problem("instances: []\n").message).toBe("my.yaml:1: instances: expected at least 1 entry");
    expect(problem("instances:\n  - *x\n").message).toBe("my.yaml:2: alias *x names no anchor set before it (&x)");
    expect(problem("instances:\n  - { name: a, vcpus: 2, memoryGiB: 4, hourlyUsd: 1, source: nosuch }\n").message).toBe(
      "my.yaml:2: instances[0].source: unknown source 'nosuch': the catalog has no 'sources' section to name it in",
    );
    expect(problem("foo: 1\n").message).toMatch(/^my\.yaml:1: (foo|instances): /);
  });

  it("point at a misspelt key, duplicates, unknown sources and broken syntax", () => {
    expect(problem("instances:\n  - name: a\n    vcpus: 2\n    memoryGiB: 4\n    hourlyUSD: 1\n").message).toMatch(
      /^my\.yaml:2: instances\[0\]\.hourlyUsd: missing; expected a number \('hourlyUSD' on line 5 looks like a misspelling\)/,
    );
    expect(
      problem(
        "instances:\n  - { name: a, vcpus: 2, memoryGiB: 4, hourlyUsd: 1 }\n  - { name: a, vcpus: 4, memoryGiB: 8, hourlyUsd: 2 }\n",
      ).message,
    ).toBe("my.yaml:3: instances[1].name: duplicate name 'a' (first at instances[0])");
    expect(
      problem(
        "sources: { x: { title: X } }\ninstances:\n  - { name: a, vcpus: 2, memoryGiB: 4, hourlyUsd: 1, source: y }\n",
      ).message,
    ).toMatch(/^my\.yaml:3: instances\[0\]\.source: unknown source 'y'/);
    expect(problem("instances: [1, 2\nfoo: 3").message).toMatch(/^my\.yaml:2: not valid YAML or JSON/);
    expect(() => loadCatalog("/nonexistent/catalog.yaml")).toThrow("/nonexistent/catalog.yaml: no such file");
  });
});
