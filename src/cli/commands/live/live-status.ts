import type { HostDiscovery } from "../../../../live/discovery/topology.js";
import { liveKnob } from "../../../../live/knobs/knob-table.js";
import type { LiveBackend } from "../../../../live/live-backend.js";
import type { KnobRef, KnobValue, Observation } from "../../../backend.js";
import { integerOption, parseCommandArgs } from "../../args.js";
import type { CliIO } from "../../io.js";
import { renderTable } from "../../table.js";
import { type LiveDeps, openBackend, withLiveErrors } from "./live-context.js";
import { cpus, formatBytes, formatValue, percent, rate } from "./live-format.js";

export const STATUS_USAGE = `Usage: twintune live status [--json] [--interval MS] [--pid PID]... [--state-dir DIR] [--root DIR]

Prints this host as the live backend sees it: the topology (NUMA nodes, CPUs with their cores
and SMT siblings, caches, block devices, network interfaces), the current value of every knob
twintune can tune, and a metrics snapshot over MS milliseconds (default 1000). Reads only.

Options:
  --interval MS    length of the metrics window (default 1000)
  --pid PID        also show this process (its CPU affinity, NUMA nodes, CPU use); repeatable
  --json           print {"topology", "caches", "knobs", "observation", "journal"}
  --state-dir DIR  journal directory (default /var/lib/twintune as root, else $XDG_STATE_HOME/twintune)
  --root DIR       read the host's files under DIR (a captured fixture tree) instead of /
`;

export interface KnobReading {
  knob: KnobRef["knob"];
  target: string;
  value: KnobValue;
  path: string;
}

export async function readAllKnobs(backend: LiveBackend): Promise<KnobReading[]> {
  const out: KnobReading[] = [];
  for (const ref of await backend.knobs()) {
    const value = await backend.readKnob(ref).catch(() => undefined);
    if (value !== undefined) out.push({ ...ref, value, path: liveKnob(ref.knob)?.path(ref.target) ?? "" });
  }
  return out;
}

function renderTopology({ topology, caches }: HostDiscovery): string {
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
    ),
  );
  lines.push(
    renderTable(
      ["cache", "type", "size", "shared by cpus"],
      topology.caches.map((cache) => [
        `L${cache.level}`,
        cache.type,
        formatBytes(cache.sizeBytes),
        cpus(cache.sharedCpus),
      ]),
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
      ["interface", "mtu", "speed"],
      topology.interfaces.map((iface) => [
        iface.name,
        String(iface.mtu),
        iface.speedMbps ? `${iface.speedMbps} Mb/s` : "-",
      ]),
    ),
  );
  return lines.join("\n");
}

function renderMetrics(observation: Observation): string {
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
      ["interface", "rx", "tx", "rx drops/s", "tx drops/s"],
      observation.network.map((net) => [
        net.interface,
        `${formatBytes(net.rxBytesPerSec)}/s`,
        `${formatBytes(net.txBytesPerSec)}/s`,
        net.rxDropsPerSec.toFixed(1),
        net.txDropsPerSec.toFixed(1),
      ]),
    ),
  );
  const tcp = observation.tcp[0];
  if (tcp)
    lines.push(
      `tcp: ${percent(tcp.retransmitRatio)} of segments retransmitted, ${rate(tcp.listenOverflowsPerSec, "listen overflows/s")}\n`,
    );
  for (const workload of observation.workloads) {
    lines.push(
      `${workload.id}: cpu ${percent(workload.cpuUtilization)} of its CPUs, ${formatBytes(workload.memoryBytes)} resident${workload.cpuWaitRatio === undefined ? "" : `, waited for a CPU ${percent(workload.cpuWaitRatio)} of the time`}`,
    );
  }
  return lines.join("\n");
}

export async function runStatus(args: string[], io: CliIO, deps: LiveDeps): Promise<number> {
  const { values } = parseCommandArgs("live status", args, {
    json: { type: "boolean", default: false },
    interval: { type: "string" },
    pid: { type: "string", multiple: true },
    "state-dir": { type: "string" },
    root: { type: "string" },
  });
  const interval = integerOption("interval", values.interval, 1000, 1);
  return withLiveErrors(async () => {
    const backend = await openBackend(io, values, deps);
    const discovery = await backend.discover();
    const knobs = await readAllKnobs(backend);
    const observation = await backendObservation(backend, interval);
    const journal = backend.journalState();
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ topology: discovery.topology, caches: { source: discovery.caches.source, note: discovery.caches.note }, knobs, observation, journal: { path: backend.journal.path, managed: journal.managed.length, interrupted: journal.interrupted.length } }, null, 2)}\n`,
      );
      return 0;
    }
    io.stdout.write(`${renderTopology(discovery)}\n`);
    io.stdout.write(
      renderTable(
        ["knob", "target", "value", "path"],
        knobs.map((reading) => [reading.knob, reading.target, formatValue(reading.knob, reading.value), reading.path]),
      ),
    );
    io.stdout.write(`\n${renderMetrics(observation)}\n`);
    if (journal.interrupted.length > 0) {
      io.stdout.write(
        `\nAn interrupted run left ${journal.managed.length} changed knob(s): run 'twintune live recover'.\n`,
      );
    } else if (journal.managed.length > 0) {
      io.stdout.write(
        `\ntwintune manages ${journal.managed.length} knob(s) here ('twintune live journal'; 'twintune live revert' restores them).\n`,
      );
    }
    return 0;
  });
}

async function backendObservation(backend: LiveBackend, intervalMs: number): Promise<Observation> {
  return backend.observeOver(intervalMs);
}
