import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { fakeIO } from "../helpers/fake-io.js";

const dir = mkdtempSync(join(tmpdir(), "tt-rightsize-errors-"));
const run = async (argv: string[], cwd = dir) => {
  const io = { ...fakeIO(), cwd };
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};

/** Bytes of a typical binary file: an ELF header, NULs, and bytes that are not UTF-8. */
function binary(size = 5000): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7919) % 256;
  Buffer.from("\x7fELF\x02\x01\x01\x00", "latin1").copy(bytes);
  return bytes;
}

/** One printable line: no control characters but the final newline, and short. */
function expectOneShortLine(err: string, max = 240): void {
  expect(err.endsWith("\n")).toBe(true);
  const line = err.slice(0, -1);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\ufffd]/);
  expect(line.length).toBeLessThanOrEqual(max);
}

/** The generated truth with one field of one record replaced; returns the file and that field's line. */
function truthWith(name: string, index: number, key: "from" | "type", value: string): number {
  const truth = JSON.parse(readFileSync(join(dir, "fleet", "truth.json"), "utf8"));
  truth.truth[index][key] = value;
  const text = `${JSON.stringify(truth, null, 1)}\n`;
  writeFileSync(join(dir, name), text);
  return text.split("\n").findIndex((line) => line.includes(`"${key}": "${value}"`)) + 1;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  expect((await run(["fleet", "generate", "--vms", "4", "--days", "2", "--seed", "5", "--out", "fleet"])).code).toBe(0);
  writeFileSync(join(dir, "bin.dat"), binary());
  writeFileSync(join(dir, "empty.yaml"), "");
  writeFileSync(join(dir, "blank.json"), "\n  \n");
  writeFileSync(join(dir, "prose.json"), `${"not a truth file at all ".repeat(200)}\n`);
  writeFileSync(join(dir, "number.json"), "42\n");
}, 60_000);

describe("rightsize: files that cannot be read", () => {
  it("a missing file has no line number (':0'), and is named as typed", async () => {
    expect(await run(["rightsize", "/nope-twintune-test.csv"])).toMatchObject({
      code: 1,
      out: "",
      err: "twintune: /nope-twintune-test.csv: no such file\n",
    });
    expect(await run(["rightsize", "fleet/trace.csv", "--compare", "nope.json"])).toMatchObject({
      code: 1,
      err: "twintune: nope.json: no such file\n",
    });
    const dirTrace = await run(["rightsize", "fleet"]);
    expect(dirTrace.err).toBe("twintune: fleet: is a directory, expected a CSV file\n");
  });
});

describe("rightsize --compare: a truth of another period", () => {
  it("refuses the truth of a longer trace of the same fleet (its forecast is of other days)", async () => {
    expect((await run(["fleet", "generate", "--vms", "4", "--days", "3", "--seed", "5", "--out", "fleet3"])).code).toBe(
      0,
    );
    const result = await run(["rightsize", "fleet/trace.csv", "--compare", "fleet3/truth.json"]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^twintune: fleet3\/truth\.json is the truth of a 3-day trace, but this trace covers 2 days: its right types are for the 7 days after another period/,
    );
    expect((await run(["rightsize", "fleet/trace.csv", "--compare", "fleet/truth.json"])).code).toBe(0);
  }, 60_000);
});

describe("rightsize: binary and empty files", () => {
  it("a binary --compare, trace or catalog file: one short printable line, not the file", async () => {
    for (const argv of [
      ["rightsize", "--compare", "bin.dat", "fleet/trace.csv"],
      ["rightsize", "bin.dat"],
      ["rightsize", "fleet/trace.csv", "--catalog", "bin.dat"],
      ["cost", "bin.dat"],
    ]) {
      const result = await run(argv);
      expect(result.code, argv.join(" ")).toBe(1);
      expect(result.out).toBe("");
      expect(result.err).toMatch(
        /^twintune: bin\.dat: binary data \(starts "\\x7fELF\\x02\\x01\\x01\\x00.*"\), expected /,
      );
      expectOneShortLine(result.err);
    }
  });

  it("a trace with a byte that is not UTF-8 names its line and the bytes, not 'binary data'", async () => {
    writeFileSync(
      join(dir, "latin1.csv"),
      Buffer.from("timestamp,vm,instance_type,cpu,mem\n1767571200,caf\xe9,m5.large,0.1,0.1\n", "latin1"),
    );
    // A valid é before the bad byte is not the one named (review).
    writeFileSync(
      join(dir, "mixed.csv"),
      Buffer.concat([
        Buffer.from("timestamp,vm,instance_type,cpu,mem\n1767571200,café-"),
        Buffer.from([0xe9]),
        Buffer.from(",m5.large,0.1,0.1\n"),
      ]),
    );
    expect((await run(["rightsize", "mixed.csv"])).err).toMatch(
      /^twintune: mixed\.csv:2: bytes that are not UTF-8 \(\\xe9\);/,
    );
    const result = await run(["rightsize", "latin1.csv"]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "twintune: latin1.csv:2: bytes that are not UTF-8 (\\xe9); expected a trace CSV as UTF-8 text (convert it, e.g. iconv -f latin1 -t utf-8)\n",
    );
  });

  it("an empty --compare file says it is empty, and names it", async () => {
    for (const file of ["empty.yaml", "blank.json"]) {
      expect(await run(["rightsize", "--compare", file, "fleet/trace.csv"])).toMatchObject({
        code: 1,
        out: "",
        err: `twintune: ${file}: empty file: expected the truth.json of 'twintune fleet generate'\n`,
      });
    }
    const catalog = await run(["rightsize", "fleet/trace.csv", "--catalog", "empty.yaml"]);
    expect(catalog.err).toBe("twintune: empty.yaml: empty file: expected an instance catalog (YAML or JSON)\n");
  });

  it("a text file that is not a truth file: the value quoted short, no garbled ': expected'", async () => {
    const prose = await run(["rightsize", "--compare", "prose.json", "fleet/trace.csv"]);
    expect(prose.code).toBe(1);
    expect(prose.err).toMatch(/^twintune: prose\.json:1: expected object, received string, got "not a truth file/);
    expectOneShortLine(prose.err);
    const number = await run(["rightsize", "--compare", "number.json", "fleet/trace.csv"]);
    expect(number.err).toMatch(/^twintune: number\.json:1: expected object, received number, got 42 /);
  });
});

describe("rightsize --compare: instance types the catalog lacks", () => {
  it("an unknown type in the truth is rejected with file:line, key and the known types", async () => {
    const line = truthWith("unknown.json", 1, "type", "nope.large");
    const result = await run(["rightsize", "--compare", "unknown.json", "fleet/trace.csv"]);
    expect(result.code).toBe(1);
    expect(result.out).toBe("");
    expect(result.err).toBe(
      `twintune: unknown.json:${line}: truth[1].type: unknown instance type 'nope.large', not in the catalog (known types: c5.large, m5.large, r5.large, c5.xlarge, m5.xlarge, r5.xlarge, c5.2xlarge, m5.2xlarge, r5.2xlarge, c5.4xlarge, m5.4xlarge, r5.4xlarge)\n`,
    );
  });

  it("a misspelt type gets a did-you-mean; an unknown current type ('from') is caught too, not an internal error", async () => {
    const typoLine = truthWith("typo.json", 0, "type", "m5.larg");
    const typo = await run(["rightsize", "--compare", "typo.json", "fleet/trace.csv"]);
    expect(typo.code).toBe(1);
    expect(typo.err).toMatch(
      new RegExp(
        `^twintune: typo\\.json:${typoLine}: truth\\[0\\]\\.type: unknown instance type 'm5\\.larg', .*did you mean m5\\.large`,
      ),
    );
    const fromLine = truthWith("from.json", 2, "from", "zz.huge");
    const from = await run(["rightsize", "--compare", "from.json", "fleet/trace.csv"]);
    expect(from.code).toBe(1);
    expect(from.err).toMatch(
      new RegExp(`^twintune: from\\.json:${fromLine}: truth\\[2\\]\\.from: unknown instance type 'zz\\.huge'`),
    );
  });
});

describe("rightsize: paths as the user typed them", () => {
  it("a catalog given by a relative path from another directory is named that way", async () => {
    const nested = join(dir, "a", "b");
    mkdirSync(nested, { recursive: true });
    writeFileSync(
      join(dir, "bad-catalog.yaml"),
      "instances:\n  - { name: std, vcpus: two, memoryGiB: 16, hourlyUsd: 0.1 }\n",
    );
    const result = await run(["rightsize", "../../fleet/trace.csv", "--catalog", "../../bad-catalog.yaml"], nested);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^twintune: \.\.\/\.\.\/bad-catalog\.yaml:2: instances\[0\]\.vcpus: expected a number/);
  });
});
