/** A mapping from data values to pixels, with the tick values an axis shows. */
export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  ticks(): number[];
}

/** Round tick values (1, 2, 2.5 or 5 times a power of ten) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max))) throw new RangeError("ticks need a finite domain");
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** [min, max] widened to round values, so the axis starts and ends on a tick. */
export function niceDomain(min: number, max: number, count = 6): [number, number] {
  if (max === min) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return [min - pad, max + pad];
  }
  const ticks = niceTicks(min, max, count);
  const step = ticks.length > 1 ? (ticks[1] as number) - (ticks[0] as number) : Math.abs(max - min);
  const low = (ticks[0] as number) > min ? (ticks[0] as number) - step : (ticks[0] as number);
  const high = (ticks.at(-1) as number) < max ? (ticks.at(-1) as number) + step : (ticks.at(-1) as number);
  return [Number(low.toPrecision(12)), Number(high.toPrecision(12))];
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number], count = 6): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => r0 + ((value - d0) / span) * (r1 - r0)) as Scale;
  return Object.assign(scale, {
    domain,
    range,
    ticks: () => niceTicks(d0, d1, count).filter((t) => t >= Math.min(d0, d1) - 1e-9 && t <= Math.max(d0, d1) + 1e-9),
  });
}

/** A log10 scale; ticks at 1, 2 and 5 times powers of ten inside the domain (both ends > 0). */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  if (!(d0 > 0 && d1 > 0)) throw new RangeError(`a log scale needs a positive domain, got [${d0}, ${d1}]`);
  const [r0, r1] = range;
  const l0 = Math.log10(d0);
  const span = Math.log10(d1) - l0 || 1;
  const scale = ((value: number) => r0 + ((Math.log10(value) - l0) / span) * (r1 - r0)) as Scale;
  const ticks = () => {
    const out: number[] = [];
    const decades = Math.log10(d1) - l0;
    const multipliers = decades > 4 ? [1] : decades > 2 ? [1, 3] : [1, 2, 5];
    for (let p = Math.floor(l0); p <= Math.ceil(Math.log10(d1)); p++) {
      for (const m of multipliers) {
        const value = Number((m * 10 ** p).toPrecision(12));
        if (value >= d0 * (1 - 1e-9) && value <= d1 * (1 + 1e-9)) out.push(value);
      }
    }
    return out;
  };
  return Object.assign(scale, { domain, range, ticks });
}

/** A tick label: few digits, thousands grouped, no exponent for everyday values. */
export function tickLabel(value: number): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  if (abs >= 1) return String(Number(value.toPrecision(4))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return String(Number(value.toPrecision(3)));
}
