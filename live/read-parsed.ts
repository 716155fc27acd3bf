import type { TextFs } from "./host-fs.js";
import { HostFsError } from "./host-fs-error.js";
import { type Parsed, unwrap } from "./parsers/parsed.js";

/** Reads a file and parses it; throws the HostFsError or the ParseError (which names file and line). */
export async function readParsed<T>(
  fs: TextFs,
  path: string,
  parse: (text: string, file: string) => Parsed<T>,
): Promise<T> {
  return unwrap(parse(await fs.readText(path), path));
}

/**
 * Like readParsed, but a file that is absent or unreadable (ENOENT, EINVAL from a virtual NIC's
 * `speed`, EOPNOTSUPP when PSI is off) gives undefined. A malformed file still throws.
 */
export async function readOptional<T>(
  fs: TextFs,
  path: string,
  parse: (text: string, file: string) => Parsed<T>,
): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readText(path);
  } catch (error) {
    if (error instanceof HostFsError) return undefined;
    throw error;
  }
  return unwrap(parse(text, path));
}
