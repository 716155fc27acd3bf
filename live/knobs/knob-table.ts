import type { KnobName } from "../../src/backend.js";
import { ioScheduler, nrRequests, readAheadKb } from "./block-queue.js";
import { llcWays } from "./cache-allocation.js";
import { cpusetCpus, cpusetMems } from "./cgroup-cpuset.js";
import { ioschedTunable } from "./iosched.js";
import type { KnobAccess } from "./knob-access.js";
import {
  netdevMaxBacklog,
  rmemMax,
  somaxconn,
  tcpCongestionControl,
  tcpMtuProbing,
  tcpRmem,
  tcpSack,
  tcpTimestamps,
  tcpWindowScaling,
  tcpWmem,
  wmemMax,
} from "./net-sysctl.js";
import { nicOffloads, nicRings } from "./nic.js";
import { cpuAffinity, numaMemoryNodes } from "./process.js";

/** Every knob the live backend can read and change, in batch order (written first to last). */
export const LIVE_KNOBS: readonly KnobAccess[] = (
  [
    ioScheduler,
    nrRequests,
    readAheadKb,
    ioschedTunable,
    tcpRmem,
    tcpWmem,
    tcpCongestionControl,
    tcpWindowScaling,
    tcpSack,
    tcpTimestamps,
    tcpMtuProbing,
    somaxconn,
    netdevMaxBacklog,
    rmemMax,
    wmemMax,
    cpusetMems,
    cpusetCpus,
    cpuAffinity,
    llcWays,
    numaMemoryNodes,
    nicRings,
    nicOffloads,
  ] as KnobAccess[]
).sort((a, b) => a.order - b.order);

/** The knob of that name, or undefined when the live backend does not offer it (memory-policy, instance-type). */
export function liveKnob(name: KnobName | string): KnobAccess | undefined {
  return LIVE_KNOBS.find((knob) => knob.name === name);
}
