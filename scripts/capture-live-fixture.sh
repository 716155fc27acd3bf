#!/usr/bin/env bash
# Copies the procfs and sysfs files the live backend reads from THIS machine into a fixture tree,
# test/fixtures/live/<name>/, keeping the kernel's layout (and its /sys/block, /sys/class/net
# symlinks into /sys/devices), so the parsers and the discovery are tested on real files.
#   scripts/capture-live-fixture.sh NAME [PID]       full tree (PID: a process whose files to keep)
#   scripts/capture-live-fixture.sh NAME --counters  only the counter files (a later snapshot)
# Also records the output of the programs the backend runs (ethtool, getconf) under commands/.
set -euo pipefail
name=${1:?usage: capture-live-fixture.sh NAME [PID|--counters]}
dest="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/live/$name"
mkdir -p "$dest"

copy() { # copy an existing, readable file to the same path under $dest
  local path
  for path in "$@"; do
    [ -f "$path" ] && [ -r "$path" ] || continue
    mkdir -p "$dest$(dirname "$path")"
    cat "$path" >"$dest$path" 2>/dev/null || rm -f "$dest$path"
  done
}

link() { # recreate a sysfs symlink under $dest, keeping its relative target
  local path=$1 target
  target=$(readlink "$path")
  mkdir -p "$dest$(dirname "$path")"
  ln -sfn "$target" "$dest$path"
}

copy /proc/stat /proc/meminfo /proc/vmstat /proc/loadavg /proc/diskstats /proc/net/dev /proc/net/snmp /proc/net/softnet_stat \
  /proc/net/netstat /proc/pressure/cpu /proc/pressure/memory /proc/pressure/io
[ "${2:-}" = "--counters" ] && exit 0

copy /proc/sys/kernel/hostname /proc/sys/kernel/numa_balancing /proc/self/mounts
for key in tcp_rmem tcp_wmem tcp_congestion_control tcp_available_congestion_control \
  tcp_allowed_congestion_control tcp_window_scaling tcp_sack tcp_timestamps tcp_mtu_probing; do
  copy "/proc/sys/net/ipv4/$key"
done
for key in somaxconn netdev_max_backlog rmem_max wmem_max; do copy "/proc/sys/net/core/$key"; done
if [ -n "${2:-}" ]; then
  copy "/proc/$2/stat" "/proc/$2/status" "/proc/$2/numa_maps" "/proc/$2/schedstat"
  for task in /proc/"$2"/task/*; do copy "$task/status"; done
fi

cpus=/sys/devices/system/cpu
copy $cpus/online $cpus/possible $cpus/present $cpus/offline $cpus/isolated $cpus/smt/control $cpus/smt/active
for cpu in $cpus/cpu[0-9]*; do
  copy "$cpu"/topology/* "$cpu"/online
  for index in "$cpu"/cache/index*; do [ -d "$index" ] && copy "$index"/*; done
done
nodes=/sys/devices/system/node
copy $nodes/online $nodes/possible $nodes/has_cpu $nodes/has_memory $nodes/has_normal_memory
for node in $nodes/node[0-9]*; do copy "$node"/cpulist "$node"/distance "$node"/meminfo "$node"/numastat; done

for disk in /sys/block/*; do
  dev=$(basename "$disk")
  case $dev in loop[1-9]*) continue ;; esac # one (unattached) loop device is enough
  real=$(readlink -f "$disk")
  link "$disk"
  copy "$real"/size "$real"/stat "$real"/inflight "$real"/ro "$real"/removable "$real"/device/model \
    "$real"/device/vendor "$real"/queue/* "$real"/queue/iosched/* "$real"/loop/backing_file
  for hctx in "$real"/mq/*; do [ -d "$hctx" ] && copy "$hctx"/nr_tags; done
  [ -L "$real/device/driver" ] && link "$real/device/driver"
done
for iface in /sys/class/net/*; do
  real=$(readlink -f "$iface")
  link "$iface"
  copy "$real"/mtu "$real"/speed "$real"/operstate "$real"/type "$real"/tx_queue_len "$real"/ifindex "$real"/statistics/rx_missed_errors
done
for file in /sys/fs/cgroup/cpuset/cpuset.cpus /sys/fs/cgroup/cpuset/cpuset.mems \
  /sys/fs/cgroup/cpuset/cpuset.effective_cpus /sys/fs/cgroup/cpuset/cpuset.effective_mems; do copy "$file"; done

mkdir -p "$dest/commands"
getconf -a >"$dest/commands/getconf-a.txt" 2>/dev/null || true
for iface in /sys/class/net/*; do
  dev=$(basename "$iface")
  ethtool -g "$dev" >"$dest/commands/ethtool-g-$dev.txt" 2>&1 || true
  ethtool -k "$dev" >"$dest/commands/ethtool-k-$dev.txt" 2>&1 || true
done
echo "captured $dest"
