import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { InstanceType } from "../../src/catalog/instance-type.js";
import { splitCsvLine } from "../../src/trace/csv-fields.js";
import { forEachLine } from "../../src/trace/line-reader.js";
import { TraceError } from "../../src/trace/trace-error.js";
import { readTrace } from "../../src/trace/trace-reader.js";
import type { UsageSample } from "../../src/tuners/rightsize/vm-history.js";
import { smallCatalog } from "../helpers/synthetic-vm.js";

const dir = mkdtempSync(join(tmpdir(), "trace-"));
let files = 0;
const file = (text: string) => {
  const path = join(dir, `t${files++}.csv`);
  writeFileSync(path, text);
  return path;
};
const catalog = smallCatalog();
const read = (text: string, skipBadRows = false) => {
  const rows: { vm: string; sample: UsageSample; type: InstanceType }[] = [];
  const summary = readTrace(file(text), {
    catalog,
    name: "trace.csv",
    skipBadRows,
    onRow: (vm, sample, type) => rows.push({ vm, sample, type }),
  });
  return { rows, summary };
};
const failure = (text: string) => {
  try {
    read(text);
  } catch (error) {
    expect(error).toBeInstanceOf(TraceError);
    return (error as TraceError).message;
  }
  throw new Error("expected a TraceError");
};

describe("readTrace", () => {
  it("takes columns by name in any order, Unix or ISO 8601 times, optional columns and tags", () => {
    const { rows, summary } = read(
      "\uFEFFMem,cpu,vm,extra,instance_type,timestamp,oom,tags,iops,net_mbps\r\n" +
        "0.5,0.25,web-1,x,m.large,1767571200,0,interruptible; steady,120,\r\n" +
        '0.5,0.3,"web-1",x,m.large,2026-01-05T00:05:00Z,1,interruptible; steady,,3.5\r\n' +
        "0.1,0,db,x,c.large,2026-01-05 00:05:00+01:00,,,,\n",
    );
    expect(summary).toEqual({ rows: 3, skipped: 0, skippedExamples: [], vms: 2 });
    expect(rows[0]).toEqual({
      vm: "web-1",
      type: catalog.get("m.large"),
      sample: { time: 1767571200, cpu: 0.25, mem: 0.5, iops: 120, tags: ["interruptible", "steady"] },
    });
    expect(rows[1]?.sample).toEqual({ time: 1767571500, cpu: 0.3, mem: 0.5, netMbps: 3.5, oom: true });
    expect(rows[2]?.sample.time).toBe(1767571500 - 3600);
  });

  it("names the line and column of a malformed row, or skips and counts it", () => {
    const text =
      "timestamp,vm,instance_type,cpu,mem\n0,a,m.large,0.1,0.1\n300,a,m.large,1.7,0.1\n600,a,m.large,0.1,x\n900,a,m.large,0.1\n1200,a,m.large,0.2,0.2\n";
    expect(failure(text)).toBe(
      "trace.csv:3: column 'cpu': expected a fraction between 0 and 1, got '1.7' (a percentage? divide by 100)",
    );
    const { rows, summary } = read(text, true);
    expect(rows.map((row) => row.sample.time)).toEqual([0, 1200]);
    expect(summary.skipped).toBe(3);
    expect(summary.skippedExamples[1]).toBe("trace.csv:4: column 'mem': expected a fraction between 0 and 1, got 'x'");
    expect(summary.skippedExamples[2]).toBe("trace.csv:5: expected 5 fields like the header, got 4");
  });

  it("stops on an instance type the catalog lacks, listing close names, even when skipping bad rows", () => {
    const text = "timestamp,vm,instance_type,cpu,mem\n0,a,m.larg,0.1,0.1\n";
    expect(failure(text)).toMatch(
      /^trace\.csv:2: column 'instance_type': unknown instance type 'm\.larg': not in small\.yaml; close names: m\.large/,
    );
    expect(() => read(text, true)).toThrow(/unknown instance type/);
  });

  it("checks the header, timestamps, flags and time order", () => {
    expect(failure("time,vm,instance_type,cpu\n")).toBe(
      "trace.csv:1: the header lacks columns 'timestamp', 'mem'; it needs timestamp, vm, instance_type, cpu, mem (optional: iops, net_mbps, oom, tags)",
    );
    expect(failure("timestamp,vm,vm,instance_type,cpu,mem\n")).toMatch(/column 'vm': appears twice/);
    expect(failure("timestamp,vm,instance_type,cpu,mem\nyesterday,a,m.large,0.1,0.1\n")).toMatch(
      /^trace\.csv:2: column 'timestamp': expected ISO 8601/,
    );
    // A unit mistake, not a date: one such row would leave every earlier sample out of the window.
    expect(failure("timestamp,vm,instance_type,cpu,mem\n1767225600000,a,m.large,0.1,0.1\n")).toBe(
      "trace.csv:2: column 'timestamp': expected Unix seconds before the year 2200, got '1767225600000' (milliseconds? divide by 1000)",
    );
    expect(failure("timestamp,vm,instance_type,cpu,mem\n1767225600000000,a,m.large,0.1,0.1\n")).toMatch(
      /\(microseconds\? divide by 1,000,000\)$/,
    );
    expect(failure("timestamp,vm,instance_type,cpu,mem\n99999999999999999999,a,m.large,0.1,0.1\n")).toMatch(
      /expected Unix seconds before the year 2200, got '99999999999999999999'$/,
    );
    expect(failure("timestamp,vm,instance_type,cpu,mem\n9999-01-01T00:00:00Z,a,m.large,0.1,0.1\n")).toBe(
      "trace.csv:2: column 'timestamp': expected a date before the year 2200, got '9999-01-01T00:00:00Z'",
    );
    expect(failure("timestamp,vm,instance_type,cpu,mem,oom\n0,a,m.large,0.1,0.1,yes\n")).toBe(
      "trace.csv:2: column 'oom': expected 0 or 1, got 'yes'",
    );
    expect(failure("timestamp,vm,instance_type,cpu,mem\n0,,m.large,0.1,0.1\n")).toBe(
      "trace.csv:2: column 'vm': expected a VM name, got nothing",
    );
    expect(failure("")).toBe("trace.csv:1: empty file: expected a header and rows");
    expect(failure('timestamp,vm,instance_type,cpu,mem\n0,"a,m.large,0.1,0.1\n0,b,m.large,0.1,0.1\n')).toBe(
      "trace.csv:2: unterminated quote",
    );
    // Hexadecimal is a number to Number(), not to a monitoring export.
    expect(failure("timestamp,vm,instance_type,cpu,mem\n0,a,m.large,0x1,0.1\n")).toBe(
      "trace.csv:2: column 'cpu': expected a fraction between 0 and 1, got '0x1'",
    );
  });

  it("a stray quote costs only its own row with --skip-bad-rows, not the rows after it (review)", () => {
    const lines = ["timestamp,vm,instance_type,cpu,mem"];
    for (let k = 0; k < 40; k++) lines.push(`${k * 300},${k === 10 ? '"a' : "a"},m.large,0.1,0.1`);
    const { rows, summary } = read(`${lines.join("\n")}\n`, true);
    expect(summary.skipped).toBe(1);
    expect(summary.skippedExamples[0]).toBe("trace.csv:12: unterminated quote");
    expect(rows).toHaveLength(39);
  });

  it("reads a quoted field holding a line break (RFC 4180), and names a later row's line as the file's", () => {
    const { rows } = read(
      'timestamp,vm,instance_type,cpu,mem,tags\n0,a,m.large,0.1,0.1,"x;\ny"\n300,a,m.large,0.2,0.1,z\n',
    );
    expect(rows.map((r) => r.sample.cpu)).toEqual([0.1, 0.2]);
    expect(
      failure('timestamp,vm,instance_type,cpu,mem,tags\n0,a,m.large,0.1,0.1,"x;\ny"\n300,a,m.large,2,0.1,z\n'),
    ).toBe("trace.csv:4: column 'cpu': expected a fraction between 0 and 1, got '2' (a percentage? divide by 100)");
  });
});

describe("CSV plumbing", () => {
  it("splits quoted fields with doubled quotes and commas", () => {
    expect(splitCsvLine('a,"b,c","d ""e""",')).toEqual(["a", "b,c", 'd "e"', ""]);
    expect(splitCsvLine('"x"y')).toBeUndefined();
  });

  it("reads lines across 1 MiB blocks, multi-byte characters and a missing final newline", () => {
    const line = "é€".repeat(50_000); // 250 kB of 2- and 3-byte characters per line
    const path = file(`${Array.from({ length: 9 }, (_, i) => `${i}${line}`).join("\n")}`);
    const seen: string[] = [];
    const count = forEachLine(path, (text, n) => seen.push(`${n}:${text.length}`));
    expect(count).toBe(9);
    expect(seen).toEqual(Array.from({ length: 9 }, (_, i) => `${i + 1}:${line.length + 1}`));
  });
});
