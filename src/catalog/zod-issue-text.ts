import type { z } from "zod";

/** What was expected, in words, for one zod issue; `value` is what the file holds there. */
export function expectedText(issue: z.core.$ZodIssue, value: unknown, present: boolean): string {
  const got = present ? `, got ${describeValue(value)}` : "";
  switch (issue.code) {
    case "invalid_type": {
      const wanted = issue.expected === "int" ? "a whole number" : withArticle(String(issue.expected));
      return present ? `expected ${wanted}${got}` : `missing; expected ${wanted}`;
    }
    case "too_small":
      if (issue.origin === "array")
        return `expected at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`;
      if (issue.origin === "string") return `expected a non-empty string${got}`;
      return `expected a number ${issue.inclusive ? ">=" : ">"} ${issue.minimum}${got}`;
    case "too_big":
      return `expected a number ${issue.inclusive ? "<=" : "<"} ${issue.maximum}${got}`;
    case "invalid_value":
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}${got}`;
    case "invalid_union":
      return `expected a date or a string${got}`;
    default:
      return `${issue.message}${got}`;
  }
}

/** A short description of a value from the file, for "got ..." */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") return "a mapping";
  return String(value);
}

function withArticle(type: string): string {
  if (type === "object") return "a mapping";
  if (type === "array") return "a list";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
