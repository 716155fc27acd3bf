import type { DeviceSpec, SchedulerName } from "../../src/catalog/device-catalog.js";
import type { Catalogs } from "../../src/scenario/load-scenario.js";
import { Simulation } from "../kernel.js";
import { type RandomStream, RandomStreams } from "../rng.js";
import { BlockDevice, type IoRequest } from "../twin/block-device.js";
import { compareWithRange, compareWithValue, type ValidationRow } from "./validation-row.js";

const SECOND = 1e9;

function device(catalogs: Catalogs, name: string): DeviceSpec {
  const spec = catalogs.devices.devices.find((d) => d.name === name);
  if (spec === undefined) throw new Error(`validation needs device model '${name}' in the catalog`);
  return spec;
}

/** A 4 KiB random direct read submitted now. */
function randomRead(sim: Simulation, positions: RandomStream, done: (request: IoRequest) => void): IoRequest {
  return {
    owner: 0,
    bytes: 4096,
    write: false,
    position: positions.uniform(),
    sequential: false,
    submittedNs: sim.now,
    done,
  };
}

/** One outstanding 4 KiB random direct read at a time: IOPS and mean latency (ms). */
function queueDepthOne(spec: DeviceSpec, seed: number, seconds: number): { iops: number; latencyMs: number } {
  const sim = new Simulation();
  const streams = new RandomStreams(`${seed}/qd1/${spec.name}`);
  const disk = new BlockDevice(sim, "dev", spec, { scheduler: "none", readAheadKb: 0 }, streams.stream("device"));
  const positions = streams.stream("positions");
  let done = 0;
  let latencyNs = 0;
  const issue = (): void => {
    disk.submit(
      randomRead(sim, positions, (request) => {
        done++;
        latencyNs += sim.now - request.submittedNs;
        issue();
      }),
    );
  };
  issue();
  sim.run({ until: seconds * SECOND });
  return { iops: done / seconds, latencyMs: latencyNs / done / 1e6 };
}

/**
 * fio's shape: one thread keeping `depth` 4 KiB random reads in flight, paying `cpuUs` of CPU per
 * I/O (kernel path plus scheduler) serially. Returns IOPS.
 */
function oneThreadAtDepth(
  spec: DeviceSpec,
  scheduler: SchedulerName,
  cpuUs: number,
  depth: number,
  seed: number,
  seconds: number,
): number {
  const sim = new Simulation();
  const streams = new RandomStreams(`${seed}/fio/${spec.name}/${scheduler}`);
  const disk = new BlockDevice(sim, "dev", spec, { scheduler, readAheadKb: 0 }, streams.stream("device"));
  const positions = streams.stream("positions");
  let inFlight = 0;
  let busy = false;
  let done = 0;
  const submitNext = (): void => {
    if (busy || inFlight >= depth) return;
    busy = true;
    sim.schedule(Math.round(cpuUs * 1000), () => {
      busy = false;
      inFlight++;
      disk.submit(
        randomRead(sim, positions, () => {
          inFlight--;
          done++;
          submitNext();
        }),
      );
      submitNext();
    });
  };
  submitNext();
  sim.run({ until: seconds * SECOND });
  return done / seconds;
}

/** The block-device model against published disk figures and a real fio run. */
export function deviceRows(seed: number, catalogs: Catalogs): ValidationRow[] {
  const rows: ValidationRow[] = [];
  const hdd7 = queueDepthOne(device(catalogs, "hdd-7200"), seed, 120);
  rows.push(
    compareWithRange({
      model: "HDD 7,200 rpm",
      case: "random 4 KiB read IOPS at QD1",
      unit: "IOPS",
      simulated: hdd7.iops,
      reference: { low: 75, high: 120 },
      source: "1/(seek + 30/rpm): Ruemmler & Wilkes 1994",
    }),
  );
  const hdd15 = queueDepthOne(device(catalogs, "hdd-15k"), seed, 120);
  rows.push(
    compareWithRange({
      model: "HDD 15,000 rpm",
      case: "random 4 KiB read IOPS at QD1",
      unit: "IOPS",
      simulated: hdd15.iops,
      reference: { low: 170, high: 200 },
      source: "1/(seek + 30/rpm), seek from 15k spec sheets: ~180-200",
    }),
  );
  const nvme = device(catalogs, "nvme-tlc");
  const nvmeQd1 = queueDepthOne(nvme, seed, 5);
  rows.push(
    compareWithValue({
      model: "NVMe",
      case: "4 KiB read latency at QD1 (device + kernel path)",
      unit: "µs",
      simulated: nvmeQd1.latencyMs * 1000 + nvme.pathCpuUs,
      reference: 25,
      tolerance: 0.1,
      source: "Gregg, Systems Performance: NVMe I/O ~25 µs",
    }),
  );
  // Calibration check: the scheduler costs were derived from this fio run, so these rows show the
  // model reproduces it end to end (queueing and device included), not an independent prediction.
  const loop = device(catalogs, "loop-file");
  const measured: Record<SchedulerName, number> = { none: 60_500, "mq-deadline": 45_400, bfq: 45_700, kyber: 32_600 };
  for (const scheduler of ["none", "mq-deadline", "bfq", "kyber"] as const) {
    const iops = oneThreadAtDepth(
      loop,
      scheduler,
      loop.pathCpuUs + catalogs.devices.schedulers[scheduler].cpuUs,
      32,
      seed,
      2,
    );
    rows.push(
      compareWithValue({
        model: `blk-mq ${scheduler}`,
        case: "4 KiB random read IOPS, 1 thread, iodepth 32, loop device (calibration)",
        unit: "IOPS",
        simulated: iops,
        reference: measured[scheduler],
        tolerance: 0.03,
        source: "fio on loop0 on the 2-vCPU build machine (models/measurements/loop-schedulers.md)",
      }),
    );
  }
  return rows;
}
