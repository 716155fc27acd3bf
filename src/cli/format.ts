import { grouped } from "../number-text.js";
/** A number with `digits` significant digits, without exponent notation for everyday magnitudes. */
export function significant(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  if (magnitude >= 9 || magnitude < -6) return value.toExponential(digits - 1);
  return grouped(value, Math.max(0, digits - 1 - magnitude));
}
