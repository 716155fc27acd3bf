// npm run -s bench:rng
// Measures every seedrandom algorithm (uniform draws per second, median of 5 runs) to justify the
// twin's choice of Alea (sim/rng.ts). One JSON object per algorithm.
import seedrandom from "seedrandom";
import { median, timeIt } from "./median.js";

const DRAWS = 10_000_000;
const algorithms: Record<string, (seed: string) => () => number> = {
  alea: (seed) => seedrandom.alea(seed),
  xor128: (seed) => seedrandom.xor128(seed),
  xorwow: (seed) => seedrandom.xorwow(seed),
  xorshift7: (seed) => seedrandom.xorshift7(seed),
  xor4096: (seed) => seedrandom.xor4096(seed),
  tychei: (seed) => seedrandom.tychei(seed),
  arc4: (seed) => seedrandom(seed),
};

for (const [name, make] of Object.entries(algorithms)) {
  const seconds: number[] = [];
  let sum = 0;
  for (let run = 0; run < 6; run++) {
    const next = make(`bench-${run}`);
    const timed = timeIt(() => {
      let s = 0;
      for (let i = 0; i < DRAWS; i++) s += next();
      return s;
    });
    if (run > 0) seconds.push(timed.seconds); // the first run warms the JIT
    sum += timed.value;
  }
  const time = median(seconds);
  console.log(
    JSON.stringify({
      algorithm: name,
      draws: DRAWS,
      seconds: Number(time.toFixed(4)),
      drawsPerSec: Math.round(DRAWS / time),
      meanDraw: Number((sum / (6 * DRAWS)).toFixed(4)),
    }),
  );
}
