/**
 * One line of `twintune validate`: a twin model measured against a closed form or a published
 * figure. `pass` is |relativeError| <= tolerance, or, for a range reference, the simulated value
 * inside [low, high].
 */
export interface ValidationRow {
  model: string;
  case: string;
  unit: string;
  simulated: number;
  /** 95% confidence half-width of `simulated`, when it is a statistical estimate. */
  halfWidth?: number;
  reference: number | { low: number; high: number };
  relativeError: number;
  tolerance: number;
  pass: boolean;
  source: string;
}

/** Builds a row compared with a single reference value. */
export function compareWithValue(
  fields: Omit<ValidationRow, "relativeError" | "pass" | "reference"> & { reference: number },
): ValidationRow {
  const relativeError = (fields.simulated - fields.reference) / Math.abs(fields.reference);
  return { ...fields, relativeError, pass: Math.abs(relativeError) <= fields.tolerance };
}

/** Builds a row compared with an accepted range; the error is the distance outside it, relative to the bound crossed. */
export function compareWithRange(
  fields: Omit<ValidationRow, "relativeError" | "pass" | "reference" | "tolerance"> & {
    reference: { low: number; high: number };
  },
): ValidationRow {
  const { low, high } = fields.reference;
  const value = fields.simulated;
  const relativeError =
    value < low ? (value - low) / Math.abs(low) : value > high ? (value - high) / Math.abs(high) : 0;
  return { ...fields, tolerance: 0, relativeError, pass: relativeError === 0 };
}
