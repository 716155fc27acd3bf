/** "$1,234.56" (and "-$12.00"). */
export function usd(value: number): string {
  const cents = Math.round(Math.abs(value) * 100);
  const dollars = Math.floor(cents / 100).toLocaleString("en-US");
  return `${value < 0 && cents > 0 ? "-" : ""}$${dollars}.${String(cents % 100).padStart(2, "0")}`;
}

/** "41.5%" from a fraction. */
export function share(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}
