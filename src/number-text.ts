/**
 * `value` with `digits` decimals and thousands grouped ("1,089,443", "9,520.37"), and never "-0"
 * (a difference of -0.001 shown to two decimals is 0.00, not -0.00).
 */
export function grouped(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Number(value.toFixed(digits));
  return (rounded === 0 ? 0 : rounded).toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A signed percentage of a fraction, "+2.31%" or "-0.05%"; a change that rounds to zero is "+0.00%". */
export function signedPercent(fraction: number, decimals = 2): string {
  const text = grouped(fraction * 100, decimals);
  return `${text.startsWith("-") ? "" : "+"}${text}%`;
}
