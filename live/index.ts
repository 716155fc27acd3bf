// The live backend's public face ("twintune/live"): only re-exports.

export { MAX_BUFFER_BYTES } from "../src/knob-bounds.js";
export { type CommandResult, type CommandRunner, ProcessRunner } from "./command-runner.js";
export { classifyDevice } from "./discovery/block-devices.js";
export { discoverTopology, type HostDiscovery } from "./discovery/topology.js";
export type { BatchOptions } from "./engine/batch.js";
export type { RestoreOutcome } from "./engine/restorer.js";
export { KnobVerifyError, LeftoverJournalError } from "./errors.js";
export { type HostFs, LocalHostFs, type TextFs } from "./host-fs.js";
export { HostFsError } from "./host-fs-error.js";
export type { JournalRecord } from "./journal/journal-record.js";
export type { JournalState, ManagedKnob } from "./journal/journal-state.js";
export { JournalBusyError } from "./journal/lock.js";
export { stateDirectory } from "./journal/state-dir.js";
export type { KnobAccess, KnobContext } from "./knobs/knob-access.js";
export { LIVE_KNOBS, liveKnob } from "./knobs/knob-table.js";
export { LiveBackend, type LiveBackendOptions } from "./live-backend.js";
export { NetnsFs } from "./netns-fs.js";
export { type HostSnapshot, readHostSnapshot } from "./observe/host-snapshot.js";
export { observationBetween } from "./observe/observation.js";
export { type Parsed, ParseError } from "./parsers/parsed.js";
export { type LivePlan, livePlan } from "./plan/live-plan.js";
export type { PlanInput, RecommendationSource } from "./plan/recommendation-source.js";
export { ioTunerSource, networkTunerSource, tunerSource } from "./plan/tuner-source.js";
export { WriteAllowList, WriteRefusedError } from "./write-allow-list.js";
