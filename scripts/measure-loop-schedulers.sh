#!/usr/bin/env bash
# Measures 4 KiB random-read IOPS through each blk-mq I/O scheduler on a loop device over a file,
# the run the scheduler costs in models/devices.yaml are calibrated from (record and results:
# models/measurements/loop-schedulers.md). Needs root, fio and losetup; takes about 30 s.
#   sudo scripts/measure-loop-schedulers.sh [DIR]   DIR holds the 512 MiB backing file (default /var/tmp;
#                                                  use a disk, not a tmpfs)
# The loop device is detached and the file removed on exit, whatever happens.
set -euo pipefail
dir=${1:-/var/tmp}
runtime=5

for tool in fio losetup node; do
  command -v "$tool" >/dev/null || { echo "measure-loop-schedulers: $tool not found" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "measure-loop-schedulers: run as root (losetup, sysfs writes)" >&2; exit 1; }

image=$(mktemp -p "$dir" loop-schedulers.XXXXXX.img)
device=""
original=""
cleanup() {
  if [ -n "$device" ]; then
    [ -n "$original" ] && echo "$original" >"/sys/block/${device#/dev/}/queue/scheduler" 2>/dev/null || true
    losetup --detach "$device" || true
  fi
  rm -f "$image"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sparse on purpose: reads land in holes and never reach the disk underneath, so the run times
# the block layer's CPU path per request, which is what the scheduler costs are calibrated from.
truncate -s 512M "$image"
device=$(losetup --find --show --direct-io=on "$image")
queue="/sys/block/${device#/dev/}/queue"
original=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$queue/scheduler")

echo "kernel $(uname -r), $(fio --version), $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))"
echo "device $device over $image (direct I/O), ${runtime} s per scheduler"
[ -r /proc/pressure/cpu ] && echo "CPU pressure before: $(head -1 /proc/pressure/cpu)"
printf '%-12s %10s %14s %10s\n' scheduler IOPS "mean clat us" "p99 ms"
for scheduler in none mq-deadline bfq kyber; do
  if ! grep -qw -- "$scheduler" "$queue/scheduler"; then
    printf '%-12s %10s\n' "$scheduler" "(not available)"
    continue
  fi
  echo "$scheduler" >"$queue/scheduler"
  fio --name=randread --filename="$device" --rw=randread --bs=4k --ioengine=libaio --iodepth=32 --direct=1 \
    --runtime="$runtime" --time_based --output-format=json |
    node -e '
      let text = "";
      process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {
        const read = JSON.parse(text.slice(text.indexOf("{"))).jobs[0].read;
        const p99 = read.clat_ns.percentile["99.000000"];
        const row = [process.argv[1].padEnd(12), Math.round(read.iops).toString().padStart(10),
          (read.clat_ns.mean / 1e3).toFixed(0).padStart(14), (p99 / 1e6).toFixed(2).padStart(10)];
        console.log(row.join(" "));
      });
    ' "$scheduler"
done
[ -r /proc/pressure/cpu ] && echo "CPU pressure after: $(head -1 /proc/pressure/cpu)"
