#!/usr/bin/env bash
# Measures how the kernel time-shares one CPU among runnable threads (M/G/1 with lognormal
# demands, scripts/cpu-time-sharing.c), the reference for the twin's processor-sharing model
# (record and results: models/measurements/cpu-time-sharing.md). Needs a C compiler and two CPUs;
# takes about SECONDS x 7 (default 60: 7 minutes). Run it on a quiet machine: anything else on the
# workers' CPU adds to their load (the output says how busy that CPU was).
#   scripts/measure-cpu-time-sharing.sh [SECONDS] [WORKER_CPU] [GEN_CPU]
set -euo pipefail
seconds=${1:-60}
worker=${2:-1}
gen=${3:-0}
cc=${CC:-cc}
command -v "$cc" >/dev/null || { echo "measure-cpu-time-sharing: no C compiler ($cc) on PATH" >&2; exit 1; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
"$cc" -O2 -pthread -o "$dir/cpu-time-sharing" "$(dirname "$0")/cpu-time-sharing.c" -lm

echo "# $(uname -sr), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%FT%TZ)"
# Mean demand 10 ms, well above the scheduler's slice (EEVDF's base slice, 0.75 ms x (1 + log2 CPUs)),
# so the kernel's time sharing is seen, not its slice granularity.
for run in "0.5 2 1" "0.5 2 2" "0.5 2 3" "0.8 2 1" "0.8 2 2" "0.8 2 3" "0.8 0.5 1"; do
  read -r load cv seed <<<"$run"
  printf '{"load":%s,"cv":%s,"seed":%s,"result":' "$load" "$cv" "$seed"
  "$dir/cpu-time-sharing" "$worker" "$gen" 10 "$cv" "$load" "$seconds" "$seed" | tr -d '\n'
  echo "}"
done
