import { gunzipSync } from "node:zlib";
import { Profile } from "pprof-format";
import { ProfileParseError } from "./parse-error.js";
import { addStack, type StackProfile } from "./stack-profile.js";

/** Decompressed pprof larger than this is refused, so a gzip bomb cannot exhaust memory. */
const MAX_DECOMPRESSED = 1 << 30;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function decode(bytes: Uint8Array, source: string): Profile {
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED });
    } catch (error) {
      throw new ProfileParseError(source, undefined, `not a valid gzip stream: ${(error as Error).message}`);
    }
  }
  try {
    return Profile.decode(raw);
  } catch (error) {
    throw new ProfileParseError(source, undefined, `not a pprof protobuf: ${(error as Error).message}`);
  }
}

/** The pprof unit of a sample type as this package names it ("nanoseconds", "bytes", "samples"). */
function unitName(unit: string): string {
  return unit === "count" || unit === "" ? "samples" : unit;
}

/**
 * Reads a pprof profile (gzipped or raw protobuf) into stacks, frames named "function file:line". The weight is one sample type:
 * `sampleType` by name ("cpu", "alloc_space"), else the profile's default, else the last one
 * (pprof's own rule). Frames come from each location's lines (inlined functions first, the
 * caller last); locations are listed leaf first. The format is binary, so errors name the
 * record (sample 3, location id 9) rather than a line. Every reference is checked: the decoder
 * reads a truncated message without complaint, and a dangling id is how truncation shows.
 */
export function parsePprof(bytes: Uint8Array, source = "<input>", sampleType?: string): StackProfile {
  const profile = decode(bytes, source);
  const fail = (problem: string): never => {
    throw new ProfileParseError(source, undefined, problem);
  };
  const strings = profile.stringTable.strings;
  const text = (index: number | bigint, what: string): string => {
    const value = strings[Number(index)];
    if (value === undefined) fail(`${what} refers to string ${index}, but the string table has ${strings.length}`);
    return value as string;
  };
  if (strings[0] !== "") fail("the string table must start with the empty string");
  const types = profile.sampleType.map((type, k) => text(type.type, `sample type ${k}`));
  if (types.length === 0) fail("no sample types: is this a pprof profile?");
  let index = types.length - 1;
  if (sampleType !== undefined) {
    index = types.indexOf(sampleType);
    if (index < 0) fail(`no sample type '${sampleType}' (it has ${types.join(", ")})`);
  } else if (Number(profile.defaultSampleType) !== 0) {
    const wanted = types.indexOf(text(profile.defaultSampleType, "default sample type"));
    if (wanted >= 0) index = wanted;
  }
  const unit = unitName(text((profile.sampleType[index] as { unit: number | bigint }).unit, `sample type ${index}`));
  const functions = new Map<number, string>();
  for (const fn of profile.function) {
    // Named as .cpuprofile frames are ("fib /app/main.js:12"), so profiles of either format compare.
    const name = text(fn.name, `function id ${fn.id}`) || "(anonymous)";
    const file = text(fn.filename, `function id ${fn.id}`).replace(/^file:\/\//, "");
    const line = Number(fn.startLine);
    functions.set(Number(fn.id), file === "" ? name : `${name} ${file}${line > 0 ? `:${line}` : ""}`);
  }
  const locations = new Map<number, string[]>();
  for (const location of profile.location) {
    const id = Number(location.id);
    const frames: string[] = [];
    for (const line of location.line) {
      const name = functions.get(Number(line.functionId));
      if (name === undefined) fail(`location id ${id} refers to function id ${line.functionId}, which is not defined`);
      frames.push(name as string);
    }
    if (frames.length === 0) frames.push(`0x${location.address.toString(16)}`);
    locations.set(id, frames);
  }
  const out: StackProfile = { stacks: new Map(), unit };
  profile.sample.forEach((sample, k) => {
    if (sample.value.length !== types.length) {
      fail(`sample ${k} has ${sample.value.length} values for ${types.length} sample types`);
    }
    const weight = Number(sample.value[index]);
    if (!Number.isFinite(weight) || weight < 0) fail(`sample ${k} has a negative or invalid value ${weight}`);
    const frames: string[] = [];
    for (const locationId of sample.locationId) {
      const location = locations.get(Number(locationId));
      if (location === undefined) fail(`sample ${k} refers to location id ${locationId}, which is not defined`);
      frames.push(...(location as string[]));
    }
    addStack(out, frames.reverse(), weight);
  });
  return out;
}
