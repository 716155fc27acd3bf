import { z } from "zod";

// The instance catalog file format (README.md, "Instance catalog"). Strict objects: a misspelt
// key is an error, not a silently ignored field.

const discount = z.number().min(0).lt(1);

const spot = z.strictObject({
  discount,
  interruptionRate: z.number().min(0).max(1),
});

const instance = z.strictObject({
  name: z.string().min(1),
  family: z.string().min(1).optional(),
  vcpus: z.number().int().positive(),
  memoryGiB: z.number().positive(),
  hourlyUsd: z.number().positive(),
  spot: spot.optional(),
  reserved1yDiscount: discount.optional(),
  savingsPlan1yDiscount: discount.optional(),
  source: z.string().min(1).optional(),
});

const source = z.strictObject({
  title: z.string().min(1),
  url: z.string().min(1).optional(),
  // YAML reads an unquoted 2026-11-30 as a string with the default schema ("core"); accept both.
  date: z.union([z.string().min(1), z.date()]).optional(),
});

export const catalogSchema = z.strictObject({
  region: z.string().min(1).optional(),
  currency: z.literal("USD").optional(),
  hoursPerMonth: z.number().positive().optional(),
  sources: z.record(z.string(), source).optional(),
  defaults: z
    .strictObject({
      spot: spot.optional(),
      reserved1yDiscount: discount.optional(),
      savingsPlan1yDiscount: discount.optional(),
    })
    .optional(),
  instances: z.array(instance).min(1),
});

export type CatalogFile = z.infer<typeof catalogSchema>;
