/** Parsers for trace fields: each returns the value or a string saying what was expected. */

const UNIX_SECONDS = /^-?\d+(\.\d+)?$/;
const ISO_8601 = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * 2200-01-01T00:00:00Z in Unix seconds. Later timestamps are a unit mistake (milliseconds or
 * microseconds since the epoch), not a date, and one of them would stretch a VM's history over
 * centuries and leave every earlier sample out of its window.
 */
const LATEST_SECONDS = 7_258_118_400;

/** Unix seconds, or an ISO 8601 date-time (UTC when it names no zone), as Unix seconds. */
export function parseTimestamp(text: string): number | string {
  const fast = Number(text);
  // Number() also reads "", " " and "0x1f"; the test only runs on what it accepted.
  if (Number.isFinite(fast) && fast < LATEST_SECONDS && UNIX_SECONDS.test(text)) return fast;
  const trimmed = text.trim();
  if (UNIX_SECONDS.test(trimmed)) {
    const seconds = Number(trimmed);
    if (seconds < LATEST_SECONDS) return seconds;
    const unit =
      seconds / 1e3 < LATEST_SECONDS
        ? " (milliseconds? divide by 1000)"
        : seconds / 1e6 < LATEST_SECONDS
          ? " (microseconds? divide by 1,000,000)"
          : "";
    return `expected Unix seconds before the year 2200, got '${text}'${unit}`;
  }
  const match = ISO_8601.exec(trimmed);
  if (match !== null) {
    const [, date, time, zone] = match;
    let normalised = time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${zone ?? "Z"}`;
    normalised = normalised.replace(/([+-]\d{2})(\d{2})$/, "$1:$2").replace(/([+-]\d{2})$/, "$1:00");
    const ms = Date.parse(normalised.toUpperCase());
    if (Number.isFinite(ms) && ms / 1000 >= LATEST_SECONDS)
      return `expected a date before the year 2200, got '${text}'`;
    if (Number.isFinite(ms)) return ms / 1000;
  }
  return `expected ISO 8601 (2026-01-05T09:30:00Z) or Unix seconds, got '${text}'`;
}

/**
 * A cell read as a decimal number: Number() also reads hexadecimal, octal and binary literals
 * ("0x1" is 1), which no monitoring export writes; they are NaN here.
 */
function decimal(text: string): number {
  const value = Number(text);
  return /[xXoObB]/.test(text) ? Number.NaN : value;
}

/** A fraction in [0, 1]. */
export function parseFraction(text: string): number | string {
  const value = decimal(text);
  // Number("") and Number(" ") are 0: only a zero needs the second look.
  if (value > 0 && value <= 1) return value;
  if (value === 0 && text.trim() !== "") return value;
  const hint = value > 1 && value <= 100 ? " (a percentage? divide by 100)" : "";
  return `expected a fraction between 0 and 1, got '${text}'${hint}`;
}

/** A non-negative number; an empty cell is undefined. */
export function parseOptionalAmount(text: string): number | undefined | string {
  const value = decimal(text);
  if (value > 0 && value < Number.POSITIVE_INFINITY) return value;
  if (text.trim() === "") return undefined;
  return value === 0 ? 0 : `expected a number >= 0 or nothing, got '${text}'`;
}

/** 0 or 1 (empty: 0). */
export function parseFlag(text: string): boolean | string {
  if (text === "0" || text === "") return false;
  if (text === "1") return true;
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "0") return false;
  if (trimmed === "1") return true;
  return `expected 0 or 1, got '${text}'`;
}

/** Semicolon-separated tags, trimmed, empty ones dropped. */
export function parseTags(text: string): string[] {
  return text
    .split(";")
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}
