// npm run -s bench:sharing
// The per-request twin's time sharing against its closed form (M/M/16, Erlang C) at 50-95% load:
// see sim/validation/time-sharing-check.ts. One JSON line per load.

import { timeSharingCheck } from "../sim/validation/time-sharing-check.js";
import { loadCatalogs } from "../src/scenario/load-scenario.js";

const catalogs = loadCatalogs();
for (const load of [0.5, 0.8, 0.9, 0.95]) {
  const result = await timeSharingCheck(catalogs, load, 3, 60_000);
  console.log(
    JSON.stringify({
      case: "time-sharing-vs-mmc",
      load,
      perRequestMeanMs: Number(result.perRequestMeanMs.toFixed(3)),
      closedFormMeanMs: Number(result.closedFormMeanMs.toFixed(3)),
      relativeError: Number((result.perRequestMeanMs / result.closedFormMeanMs - 1).toFixed(3)),
      servedRps: Math.round(result.servedRps),
      offeredRps: result.offeredRps,
    }),
  );
}
