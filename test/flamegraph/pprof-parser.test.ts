import { gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { Line, Location, Function as PprofFunction, Profile, Sample, StringTable, ValueType } from "pprof-format";
import { describe, expect, it } from "vitest";
import { ProfileParseError } from "../../src/flamegraph/parse-error.js";
import { parsePprof } from "../../src/flamegraph/pprof-parser.js";
import { expectParseErrorOrResult } from "./arbitraries.js";

/** A Go-style CPU profile: samples/count and cpu/nanoseconds; location 3 holds an inlined frame. */
function goProfile(): Profile {
  const strings = new StringTable();
  const s = (text: string) => strings.dedup(text);
  const fn = (id: number, name: string, line: number) =>
    new PprofFunction({ id, name: s(name), systemName: s(name), filename: s("/src/app/main.go"), startLine: line });
  return new Profile({
    stringTable: strings,
    sampleType: [
      new ValueType({ type: s("samples"), unit: s("count") }),
      new ValueType({ type: s("cpu"), unit: s("nanoseconds") }),
    ],
    function: [fn(1, "main.main", 10), fn(2, "main.work", 20), fn(3, "main.hash", 30), fn(4, "runtime.memmove", 0)],
    location: [
      new Location({ id: 1, line: [new Line({ functionId: 1, line: 12 })] }),
      new Location({ id: 2, line: [new Line({ functionId: 2, line: 22 })] }),
      // Inlined: hash was inlined into work; lines list the inlined frame first, the caller last.
      new Location({ id: 3, line: [new Line({ functionId: 3, line: 31 }), new Line({ functionId: 2, line: 25 })] }),
      new Location({ id: 4, address: 0x4abc, line: [] }),
    ],
    sample: [
      new Sample({ locationId: [2, 1], value: [3, 30_000_000] }),
      new Sample({ locationId: [3, 1], value: [5, 50_000_000] }),
      new Sample({ locationId: [4, 2, 1], value: [1, 10_000_000] }),
      new Sample({ locationId: [2, 1], value: [1, 10_000_000] }),
    ],
  });
}

const bytes = () => gzipSync(goProfile().encode());

function errorOf(data: Uint8Array): ProfileParseError {
  try {
    parsePprof(data, "cpu.pb.gz");
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileParseError);
    return error as ProfileParseError;
  }
  throw new Error("expected a ProfileParseError");
}

describe("parsePprof", () => {
  it("reads gzipped and raw profiles, the last sample type by default, inlined frames caller first", () => {
    for (const data of [bytes(), goProfile().encode()]) {
      const profile = parsePprof(data);
      expect(profile.unit).toBe("nanoseconds");
      expect([...profile.stacks]).toEqual([
        ["main.main /src/app/main.go:10;main.work /src/app/main.go:20", 40_000_000],
        ["main.main /src/app/main.go:10;main.work /src/app/main.go:20;main.hash /src/app/main.go:30", 50_000_000],
        ["main.main /src/app/main.go:10;main.work /src/app/main.go:20;0x4abc", 10_000_000], // no line: its address,
      ]);
    }
  });

  it("reads another sample type by name, and rejects one that is not there", () => {
    const profile = parsePprof(bytes(), "cpu.pb.gz", "samples");
    expect(profile.unit).toBe("samples");
    expect([...profile.stacks.values()]).toEqual([4, 5, 1]);
    expect(() => parsePprof(bytes(), "cpu.pb.gz", "alloc_space")).toThrow(
      /no sample type 'alloc_space' \(it has samples, cpu\)/,
    );
  });

  it("names the record that is wrong", () => {
    const dangling = goProfile();
    (dangling.sample[1] as Sample).locationId = [9, 1];
    expect(errorOf(gzipSync(dangling.encode())).message).toBe(
      "cpu.pb.gz: sample 1 refers to location id 9, which is not defined",
    );
    const values = goProfile();
    (values.sample[2] as Sample).value = [1];
    expect(errorOf(values.encode()).message).toMatch(/sample 2 has 1 values for 2 sample types/);
    expect(errorOf(Buffer.from("hello, world")).message).toMatch(/^cpu\.pb\.gz: not a pprof protobuf/);
    expect(errorOf(Buffer.from([0x1f, 0x8b, 1, 2, 3])).message).toMatch(/not a valid gzip stream/);
    expect(errorOf(new Uint8Array()).message).toMatch(/no sample types/);
  });

  it("never crashes on random, truncated or bit-flipped input (fuzz)", () => {
    const raw = gunzipSync(bytes());
    const flipped = fc
      .array(fc.tuple(fc.nat(raw.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 5 })
      .map((edits) => {
        const copy = Uint8Array.from(raw);
        for (const [at, value] of edits) copy[at] = value;
        return copy;
      });
    const truncated = fc.nat(raw.length).map((length) => raw.subarray(0, length));
    const gzipped = fc.oneof(flipped, truncated).map((data) => gzipSync(data));
    fc.assert(
      fc.property(fc.oneof(flipped, truncated, gzipped, fc.uint8Array({ maxLength: 300 })), (data) => {
        const error = expectParseErrorOrResult(() => parsePprof(data, "fuzz.pb"));
        if (error !== undefined) expect(error.message).toMatch(/^fuzz\.pb: /);
      }),
      { seed: 2024, numRuns: 3000 },
    );
  });
});
