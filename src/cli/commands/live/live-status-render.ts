import type { HostDiscovery } from "../../../../live/discovery/topology.js";
import type { Observation } from "../../../backend.js";
import { renderTable } from "../../table.js";
import { cpus, formatBytes, percent, rate } from "./live-format.js";

/** The topology part of `live status`: nodes, CPUs, caches, devices, interfaces. */
export function renderTopology({ topology, caches }: HostDiscovery): string {
  const lines = [
    `host ${topology.hostname}: ${topology.nodes.length} NUMA node(s), ${topology.cpus.length} CPU(s), ${formatBytes(topology.memoryBytes)} memory`,
    "",
  ];
  lines.push(
    renderTable(
      ["node", "cpus", "memory", "distances"],
      topology.nodes.map((node) => [
        String(node.id),
        cpus(node.cpus),
        formatBytes(node.memoryBytes),
        node.distances.join(" "),
      ]),
      [1, 3], // CPU lists and distance rows are text, even "0" or "10"
    ),
  );
  lines.push(
    renderTable(
      ["cpu", "node", "package", "core", "smt siblings"],
      topology.cpus.map((cpu) => [
        String(cpu.id),
        String(cpu.node),
        String(cpu.packageId),
        String(cpu.coreId),
        cpus(cpu.siblings),
      ]),
      [4],
    ),
  );
  // The allocation column only where some cache can confine workloads to part of it (resctrl).
  const allocation = topology.caches.some((cache) => cache.allocationWays !== undefined);
  lines.push(
    renderTable(
      ["cache", "type", "size", "shared by cpus", ...(allocation ? ["allocation"] : [])],
      topology.caches.map((cache) => [
        `L${cache.level}`,
        cache.type,
        formatBytes(cache.sizeBytes),
        cpus(cache.sharedCpus),
        ...(allocation ? [cache.allocationWays === undefined ? "-" : `${cache.allocationWays} ways (CAT)`] : []),
      ]),
      [3],
    ) + (caches.note ? `(${caches.note})\n` : ""),
  );
  lines.push(
    renderTable(
      ["device", "class", "size", "rotational", "hw queues", "schedulers", "model"],
      topology.devices.map((device) => [
        device.name,
        device.deviceClass,
        formatBytes(device.sizeBytes),
        device.rotational ? "yes" : "no",
        String(device.hardwareQueues),
        device.schedulers.join(" ") || "-",
        device.model ?? "-",
      ]),
    ),
  );
  lines.push(
    renderTable(
      ["interface", "mtu", "speed", "largest rings"],
      topology.interfaces.map((iface) => [
        iface.name,
        String(iface.mtu),
        iface.speedMbps ? `${iface.speedMbps} Mb/s` : "-",
        iface.maxRing ? `rx ${iface.maxRing.rx} tx ${iface.maxRing.tx}` : "-",
      ]),
    ),
  );
  return lines.join("\n");
}

/** The metrics part of `live status`: one interval of host, disk, network, TCP and process figures. */
export function renderMetrics(observation: Observation): string {
  const host = observation.host;
  const lines = [
    `metrics over ${(observation.intervalMs / 1000).toFixed(1)} s: cpu ${percent(host.cpuUtilization)} (per cpu ${host.perCpuUtilization.map(percent).join(", ")}), memory ${percent(host.memoryUtilization)} used (${formatBytes(host.memoryAvailableBytes)} available), load ${host.loadAverage?.toFixed(2) ?? "-"}, ${rate(host.contextSwitchesPerSec ?? 0, "ctx switches/s")}`,
    host.pressure
      ? `pressure (share of time stalled): cpu ${percent(host.pressure.cpu)}, memory ${percent(host.pressure.memory)}, io ${percent(host.pressure.io)}`
      : "pressure: not available (kernel without PSI)",
    host.numaRemoteRatio === undefined ? "" : `NUMA remote allocations: ${percent(host.numaRemoteRatio)}`,
    "",
  ].filter((line, i, all) => line !== "" || i === all.length - 1);
  lines.push(
    renderTable(
      ["disk", "read/s", "write/s", "read", "written", "avg request", "util", "queue", "r await", "w await"],
      observation.disks.map((disk) => [
        disk.device,
        rate(disk.readIops, "IOPS"),
        rate(disk.writeIops, "IOPS"),
        `${formatBytes(disk.readBytesPerSec)}/s`,
        `${formatBytes(disk.writeBytesPerSec)}/s`,
        formatBytes(disk.averageRequestBytes),
        percent(disk.utilization),
        disk.averageQueueDepth.toFixed(2),
        `${disk.readLatencyMs.toFixed(2)} ms`,
        `${disk.writeLatencyMs.toFixed(2)} ms`,
      ]),
    ),
  );
  lines.push(
    renderTable(
      ["interface", "rx", "tx", "rx drops/s", "rx missed/s", "tx drops/s"],
      observation.network.map((net) => [
        net.interface,
        `${formatBytes(net.rxBytesPerSec)}/s`,
        `${formatBytes(net.txBytesPerSec)}/s`,
        net.rxDropsPerSec.toFixed(1),
        net.rxMissedPerSec === undefined ? "-" : net.rxMissedPerSec.toFixed(1),
        net.txDropsPerSec.toFixed(1),
      ]),
    ),
  );
  for (const tcp of observation.tcp)
    lines.push(
      `tcp${tcp.netns === "host" ? "" : ` (network namespace ${tcp.netns})`}: ${percent(tcp.retransmitRatio)} of segments retransmitted, ${rate(tcp.listenOverflowsPerSec, "listen overflows/s")}\n`,
    );
  for (const workload of observation.workloads) {
    lines.push(
      `${workload.id}: cpu ${percent(workload.cpuUtilization)} of its CPUs, ${formatBytes(workload.memoryBytes)} resident${workload.cpuWaitRatio === undefined ? "" : `, waited for a CPU ${percent(workload.cpuWaitRatio)} of the time`}`,
    );
  }
  return lines.join("\n");
}
