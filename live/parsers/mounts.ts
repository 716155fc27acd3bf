import { fail, fields, numberedLines, ok, type Parsed } from "./parsed.js";

export interface Mount {
  source: string;
  mountPoint: string;
  fsType: string;
  options: string[];
}

/** Undoes the octal escapes of /proc/mounts (`\040` space, `\011` tab, `\012` newline, `\134` backslash). */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** /proc/self/mounts (fstab(5) format): `source mountpoint fstype options dump pass`. */
export function parseMounts(text: string, file = "/proc/self/mounts"): Parsed<Mount[]> {
  const out: Mount[] = [];
  for (const { text: line, line: number } of numberedLines(text)) {
    const parts = fields(line);
    if (parts.length !== 6) return fail(file, number, `expected 6 fields, got ${parts.length}`);
    const [source, mountPoint, fsType, options] = parts as [string, string, string, string];
    if (!mountPoint.startsWith("/")) return fail(file, number, "the mount point is not an absolute path");
    out.push({
      source: unescapeOctal(source),
      mountPoint: unescapeOctal(mountPoint),
      fsType,
      options: options.split(","),
    });
  }
  return ok(out);
}
