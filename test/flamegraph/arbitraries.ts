import fc from "fast-check";
import { expect } from "vitest";
import { ProfileParseError } from "../../src/flamegraph/parse-error.js";

/** A frame name that survives the folded format: no ";", no line breaks, no surrounding spaces, not a bare number. */
export const frameName = fc
  .string({
    unit: fc.constantFrom("a", "b", "c", "_", ":", ".", "(", ")", "<", "&", " ", "é", "7"),
    minLength: 1,
    maxLength: 8,
  })
  .map((name) => name.trim())
  .filter((name) => name !== "" && !/^\d+(\.\d+)?$/.test(name) && !/\s\d+(\.\d+)?$/.test(name));

/** Runs a parser: it must return or throw a ProfileParseError, nothing else. Returns the error if any. */
export function expectParseErrorOrResult(parse: () => unknown): ProfileParseError | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileParseError);
    return error as ProfileParseError;
  }
}
