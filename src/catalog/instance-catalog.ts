import { closestNames } from "../edit-distance.js";
import type { InstanceType } from "./instance-type.js";

/** AWS's pricing calculator bills a month as 730 hours (8,760 / 12). */
export const HOURS_PER_MONTH = 730;

/** A price source named in a catalog. */
export interface PriceSource {
  title: string;
  url?: string;
  date?: string;
}

/**
 * The instance types the engine may choose from, cheapest first (ties by name, so every choice
 * is deterministic), with lookups by name and the monthly price.
 */
export class InstanceCatalog {
  readonly types: readonly InstanceType[];
  readonly hoursPerMonth: number;
  readonly region: string | undefined;
  readonly sources: Readonly<Record<string, PriceSource>>;
  /** Where the catalog came from (a file name), for messages. */
  readonly origin: string;
  private readonly byName: Map<string, InstanceType>;

  constructor(
    types: readonly InstanceType[],
    options: { hoursPerMonth?: number; region?: string; sources?: Record<string, PriceSource>; origin?: string } = {},
  ) {
    if (types.length === 0) throw new RangeError("a catalog needs at least one instance type");
    this.types = [...types].sort((a, b) => a.hourlyUsd - b.hourlyUsd || a.name.localeCompare(b.name));
    this.byName = new Map(this.types.map((type) => [type.name, type]));
    if (this.byName.size !== types.length) throw new RangeError("instance type names must be unique");
    this.hoursPerMonth = options.hoursPerMonth ?? HOURS_PER_MONTH;
    this.region = options.region;
    this.sources = options.sources ?? {};
    this.origin = options.origin ?? "catalog";
  }

  get(name: string): InstanceType | undefined {
    return this.byName.get(name);
  }

  /** Up to three names close to `name`, for "did you mean" messages. */
  closeNames(name: string): string[] {
    return closestNames(
      name,
      this.types.map((type) => type.name),
    );
  }

  /** On-demand USD per month. */
  monthlyUsd(type: InstanceType): number {
    return type.hourlyUsd * this.hoursPerMonth;
  }
}
