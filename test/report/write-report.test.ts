import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AtomicFile, writeFileAtomic } from "../../src/atomic-file.js";
import { OutputFolderError, replaceFolder } from "../../src/report/atomic-files.js";
import { reportMarkdown } from "../../src/report/report-markdown.js";
import { checkReportFolder, isTwintuneReport, reportFiles, writeReport } from "../../src/report/write-report.js";
import { fixtureResult } from "../helpers/run-result-fixture.js";

const context = { file: "scenarios/x.yaml", command: "twintune run scenarios/x.yaml --seed 7" };

describe("the report folder", () => {
  it("holds report.md, results.json with the run's identity first, and four charts", () => {
    const files = reportFiles(fixtureResult(), context);
    expect(Object.keys(files).sort()).toEqual(
      ["components.svg", "cost.svg", "improvement.svg", "latency.svg", "report.md", "results.json"].sort(),
    );
    const results = JSON.parse(files["results.json"] as string);
    expect(Object.keys(results).slice(0, 9)).toEqual([
      "generator",
      "kind",
      "scenario",
      "file",
      "seed",
      "configHash",
      "modelVersion",
      "traceHash",
      "command",
    ]);
    expect(results).toMatchObject({
      seed: 7,
      configHash: "0badf00d",
      modelVersion: "0.1.0+models.12345678",
      traceHash: "deadbeef",
    });
    expect(results.result).toEqual(fixtureResult());
  });

  it("report.md shows the before/after table, convergence, the changes and links every chart", () => {
    const md = reportMarkdown(fixtureResult(), context);
    expect(md).toMatch(/\| Throughput \| 1,000\/s \| 1,300\/s \| \+30% \|/);
    expect(md).toMatch(/\| P95 latency \| 20\.0 ms \| 14\.0 ms \| -30% \|/);
    expect(md).toContain("Converged at 35 min.");
    expect(md).toContain("## Changes (3 kept, 1 reverted)");
    expect(md).toMatch(/\| 25 \| cpu-pinning \| `cpu-affinity@web-2` .* \| reverted \|/);
    for (const chart of ["improvement.svg", "latency.svg", "cost.svg", "components.svg"])
      expect(md).toContain(`](${chart})`);
    expect(md).toContain(context.command);
  });

  it("a fleet report leaves out the disks the fluid mode does not model and counts windows in days", () => {
    const fleet = fixtureResult();
    fleet.detail = { ...fleet.detail, mode: "fleet", latencyUnit: "vm-step" };
    fleet.convergence.windows = [
      { startMin: 0, endMin: 1440, improvementPct: 0, idle: false },
      { startMin: 1440, endMin: 2880, improvementPct: 4, idle: false },
    ];
    const md = reportMarkdown(fleet, context);
    // Memory is reported: the fleet's resident memory against what its types give it.
    expect(md).toContain("| Memory utilization");
    expect(md).not.toContain("| IOPS");
    expect(md).toContain("| day 1-2 | +4.0% |");
    expect(md).toContain("fluid fleet mode");
    expect(md).toContain("each VM's mean latency per time step");
  });

  it("replaces an earlier twintune report file by file: the folder, its mode and a link to it stay", () => {
    const root = mkdtempSync(join(tmpdir(), "tt-report-"));
    const out = join(root, "report");
    writeReport(out, fixtureResult({ seed: 1 }), context);
    expect(isTwintuneReport(out)).toBe(true);
    chmodSync(out, 0o700);
    const inode = statSync(out).ino;
    symlinkSync(out, join(root, "link"));
    writeReport(join(root, "link"), fixtureResult({ seed: 2 }), context);
    expect(JSON.parse(readFileSync(join(out, "results.json"), "utf8")).seed).toBe(2);
    expect(lstatSync(join(root, "link")).isSymbolicLink()).toBe(true);
    expect(statSync(out).ino).toBe(inode);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(readdirSync(root).sort()).toEqual(["link", "report"]);
    expect(readdirSync(out).sort()).toEqual(Object.keys(reportFiles(fixtureResult(), context)).sort());
  });

  it("refuses a report folder that holds anything else, naming it, and deletes nothing", () => {
    const root = mkdtempSync(join(tmpdir(), "tt-report-"));
    const out = join(root, "report");
    writeReport(out, fixtureResult({ seed: 1 }), context);
    writeFileSync(join(out, "notes.txt"), "mine");
    mkdirSync(join(out, "src"));
    expect(() => writeReport(out, fixtureResult({ seed: 2 }), context)).toThrow(
      /holds a twintune report and other files \(notes\.txt, src\), which writing the report there would not keep/,
    );
    expect(() => checkReportFolder(out, "report")).toThrow(OutputFolderError);
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine");
    expect(JSON.parse(readFileSync(join(out, "results.json"), "utf8")).seed).toBe(1);
  });

  it("refuses to replace a folder that is not a twintune report, and touches nothing in it", () => {
    const root = mkdtempSync(join(tmpdir(), "tt-report-"));
    const mine = join(root, "mine");
    mkdirSync(mine);
    writeFileSync(join(mine, "thesis.tex"), "precious");
    expect(() => writeReport(mine, fixtureResult(), context)).toThrow(OutputFolderError);
    expect(readdirSync(mine)).toEqual(["thesis.tex"]);
    expect(readdirSync(root)).toEqual(["mine"]);
    writeFileSync(join(root, "file"), "x");
    expect(() => writeReport(join(root, "file"), fixtureResult(), context)).toThrow(/not a folder/);
  });

  it("a failure while writing leaves the earlier report as it was", () => {
    const root = mkdtempSync(join(tmpdir(), "tt-report-"));
    const out = join(root, "report");
    writeReport(out, fixtureResult({ seed: 1 }), context);
    const before = readFileSync(join(out, "results.json"), "utf8");
    // A file name the staging folder cannot hold makes the write fail midway.
    expect(() => replaceFolder(out, { "a.txt": "new", "missing-dir/b.txt": "new" }, () => true)).toThrow();
    expect(readFileSync(join(out, "results.json"), "utf8")).toBe(before);
    expect(existsSync(join(out, "a.txt"))).toBe(false);
    expect(readdirSync(root)).toEqual(["report"]);
  });

  it("writeFileAtomic leaves the old content or the new one, never a temporary file", () => {
    const root = mkdtempSync(join(tmpdir(), "tt-atomic-"));
    const path = join(root, "f.json");
    writeFileAtomic(path, "one");
    writeFileAtomic(path, "two");
    expect(readFileSync(path, "utf8")).toBe("two");
    expect(readdirSync(root)).toEqual(["f.json"]);
    expect(() => writeFileAtomic(join(root, "no", "f.json"), "x")).toThrow();
    expect(readdirSync(root)).toEqual(["f.json"]);
  });

  it("AtomicFile: prepare() writes everything but leaves the target as it was until commit()", () => {
    const root = mkdtempSync(join(tmpdir(), "tt-atomic-"));
    const path = join(root, "trace.csv");
    writeFileAtomic(path, "old\n");
    const file = new AtomicFile(path);
    file.write("new\n");
    file.prepare();
    expect(readFileSync(path, "utf8")).toBe("old\n");
    const temporary = readdirSync(root).find((name) => name !== "trace.csv") as string;
    expect(readFileSync(join(root, temporary), "utf8")).toBe("new\n");
    expect(() => file.write("late\n")).toThrow(/already prepared/);
    file.abort();
    expect(readdirSync(root)).toEqual(["trace.csv"]);
    expect(readFileSync(path, "utf8")).toBe("old\n");
    const second = new AtomicFile(path);
    second.write("new\n");
    second.prepare();
    second.commit();
    second.abort(); // after commit: nothing to undo
    expect(readFileSync(path, "utf8")).toBe("new\n");
    expect(readdirSync(root)).toEqual(["trace.csv"]);
  });
});
