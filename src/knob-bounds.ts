/**
 * Limits every backend holds a knob to, whatever a tuner or a scenario asks for: the twin, the
 * live host and the scenario loader check against the same figures.
 */

/** 1 GiB: the most any TCP or socket buffer knob may be set to (an int overflow guard, oracle/bpftune#36). */
export const MAX_BUFFER_BYTES = 2 ** 30;

/** Sanity cap on read_ahead_kb, 64 MiB: 16 x tuned's throughput-performance `readahead=>4096`; more only evicts page cache. */
export const MAX_READ_AHEAD_KB = 65_536;
