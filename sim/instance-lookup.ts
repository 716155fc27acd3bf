import type { InstanceCatalog } from "../src/catalog/instance-catalog.js";
import type { InstanceLookup } from "./twin/twin-knobs.js";

/** The twin's view of an instance catalog: shapes, prices and purchase discounts by name. */
export function instanceLookup(catalog: InstanceCatalog): InstanceLookup {
  return (name) => {
    const type = catalog.get(name);
    if (type === undefined) return undefined;
    return {
      name: type.name,
      vcpus: type.vcpus,
      memoryGiB: type.memoryGiB,
      hourlyUsd: type.hourlyUsd,
      ...(type.spot === undefined ? {} : { spotDiscount: type.spot.discount }),
      ...(type.reserved1yDiscount === undefined ? {} : { reserved1yDiscount: type.reserved1yDiscount }),
      ...(type.savingsPlan1yDiscount === undefined ? {} : { savingsPlan1yDiscount: type.savingsPlan1yDiscount }),
    };
  };
}
