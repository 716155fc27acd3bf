export { type CpuProfile, type CpuProfileNode, parseCpuProfile } from "./cpuprofile.js";
export { cpuProfileStacks, frameLabel, sampleWeights } from "./cpuprofile-stacks.js";
export { annotateBefore, type FunctionChange, functionChanges } from "./diff.js";
export {
  type Flamegraph,
  type FlamegraphDiff,
  FlamegraphGenerator,
  type GeneratorConfig,
} from "./flamegraph-generator.js";
export { parseFolded } from "./folded-parser.js";
export { formatFolded } from "./folded-writer.js";
export { buildFrameTree, type FrameNode } from "./frame-tree.js";
export { findHotspots, type Hotspot } from "./hotspots.js";
export { renderHtml } from "./html-renderer.js";
export { type FlameJson, flameJsonText, toFlameJson } from "./json-renderer.js";
export { ProfileParseError } from "./parse-error.js";
export { parsePerfScript } from "./perf-script-parser.js";
export { parsePprof } from "./pprof-parser.js";
export { detectFormat, loadProfile, type ProfileFormat, parseProfile } from "./profile-loader.js";
export { addStack, type StackProfile, totalWeight } from "./stack-profile.js";
export { renderSvg } from "./svg-renderer.js";
