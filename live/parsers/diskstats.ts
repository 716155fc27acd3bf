import { counter, fail, fields, natural, numberedLines, ok, type Parsed } from "./parsed.js";

/** One device's cumulative counters (Documentation/admin-guide/iostats.rst). Sectors are 512 bytes. */
export interface DiskCounters {
  major: number;
  minor: number;
  name: string;
  readsCompleted: number;
  readsMerged: number;
  sectorsRead: number;
  readMs: number;
  writesCompleted: number;
  writesMerged: number;
  sectorsWritten: number;
  writeMs: number;
  inFlight: number;
  ioMs: number;
  weightedIoMs: number;
  /** Discard fields (4.18+) and flush fields (5.5+), when present. */
  discardsCompleted?: number;
  flushesCompleted?: number;
}

/** /proc/diskstats: `major minor name` and 11 (before 4.18), 15 (4.18–5.4) or 17+ (5.5+) fields. */
export function parseDiskstats(text: string, file = "/proc/diskstats"): Parsed<DiskCounters[]> {
  const out: DiskCounters[] = [];
  for (const { text: line, line: number } of numberedLines(text)) {
    const parts = fields(line);
    const major = natural(parts[0]);
    const minor = natural(parts[1]);
    const name = parts[2];
    if (major === undefined || minor === undefined || name === undefined || !/^[\w.:!+-]+$/.test(name)) {
      return fail(file, number, "expected 'major minor name' and counters");
    }
    const values = parts.slice(3).map(counter);
    if (values.length < 11) return fail(file, number, `${name} has ${values.length} counters, expected at least 11`);
    if (values.some((value) => value === undefined)) return fail(file, number, `${name} has a non-numeric counter`);
    const v = values as number[];
    const device: DiskCounters = {
      major,
      minor,
      name,
      readsCompleted: v[0] as number,
      readsMerged: v[1] as number,
      sectorsRead: v[2] as number,
      readMs: v[3] as number,
      writesCompleted: v[4] as number,
      writesMerged: v[5] as number,
      sectorsWritten: v[6] as number,
      writeMs: v[7] as number,
      inFlight: v[8] as number,
      ioMs: v[9] as number,
      weightedIoMs: v[10] as number,
    };
    if (v.length >= 15) device.discardsCompleted = v[11] as number;
    if (v.length >= 17) device.flushesCompleted = v[15] as number;
    out.push(device);
  }
  return ok(out);
}
