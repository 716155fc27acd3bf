import { basename, extname, join } from "node:path";
import { annotateBefore, type FunctionChange, functionChanges } from "./diff.js";
import { drawThreshold } from "./frame-layout.js";
import { buildFrameTree } from "./frame-tree.js";
import { findHotspots, type Hotspot } from "./hotspots.js";
import { renderHtml } from "./html-renderer.js";
import { loadProfile, type ProfileFormat } from "./profile-loader.js";
import { type StackProfile, totalWeight } from "./stack-profile.js";
import { renderSvg } from "./svg-renderer.js";
import { writeFileAtomic } from "./write-file-atomic.js";

export interface GeneratorConfig {
  /** Where SVG and HTML files go (created if missing). */
  outputDir: string;
  /** Also write the interactive HTML page (default true). */
  interactiveHtml?: boolean;
  /** Write differential SVG/HTML in diffFlamegraphs (default true); the changes are computed either way. */
  diffEnabled?: boolean;
  /** Self share at which a function is a hotspot, a fraction (default 0.05). */
  hotspotThreshold?: number;
  /** Frames narrower than this many pixels are pruned (default 0.1, flamegraph.pl's). */
  minWidth?: number;
}

export interface Flamegraph {
  hotspots: Hotspot[];
  svgPath: string;
  htmlPath?: string;
  format: ProfileFormat;
  unit: string;
  total: number;
}

export interface FlamegraphDiff {
  changes: FunctionChange[];
  svgPath?: string;
  htmlPath?: string;
}

const stem = (path: string) => basename(path, extname(path)).replace(/\.(pb|pprof|folded)$/, "") || "profile";

/**
 * The seed document's flame graph generator: reads a profile in any supported format (folded,
 * pprof, .cpuprofile, perf script), writes its SVG (and HTML) flame graph to outputDir and
 * returns the hotspots; compares two profiles as a differential flame graph.
 */
export class FlamegraphGenerator {
  private readonly config: Required<GeneratorConfig>;

  constructor(config: GeneratorConfig) {
    this.config = { interactiveHtml: true, diffEnabled: true, hotspotThreshold: 0.05, minWidth: 0.1, ...config };
  }

  /** Renders the profile at `path` to `<outputDir>/<name>.svg` (and .html). */
  async generate(path: string): Promise<Flamegraph> {
    const { profile, format } = await loadProfile(path);
    const name = stem(path);
    const tree = buildFrameTree(profile, { minWeight: drawThreshold(totalWeight(profile), this.config.minWidth) });
    const options = { title: `Flame Graph: ${basename(path)}`, unit: profile.unit, minWidth: this.config.minWidth };
    const svgPath = join(this.config.outputDir, `${name}.svg`);
    await writeFileAtomic(svgPath, renderSvg(tree, options).svg);
    let htmlPath: string | undefined;
    if (this.config.interactiveHtml) {
      htmlPath = join(this.config.outputDir, `${name}.html`);
      await writeFileAtomic(htmlPath, renderHtml(tree, options));
    }
    return {
      hotspots: findHotspots(profile, this.config.hotspotThreshold),
      svgPath,
      ...(htmlPath === undefined ? {} : { htmlPath }),
      format,
      unit: profile.unit,
      total: totalWeight(profile),
    };
  }

  /**
   * Compares two profiles (paths or parsed stacks): per-function changes in self share, and with
   * diffEnabled a differential flame graph `diff-<after>.svg` (width after, colour the change).
   */
  async diffFlamegraphs(before: string | StackProfile, after: string | StackProfile): Promise<FlamegraphDiff> {
    const beforeProfile = typeof before === "string" ? (await loadProfile(before)).profile : before;
    const afterProfile = typeof after === "string" ? (await loadProfile(after)).profile : after;
    const changes = functionChanges(beforeProfile, afterProfile);
    if (!this.config.diffEnabled) return { changes };
    const minWeight = drawThreshold(totalWeight(afterProfile), this.config.minWidth);
    const tree = annotateBefore(buildFrameTree(afterProfile, { minWeight }), buildFrameTree(beforeProfile));
    const name = `diff-${typeof after === "string" ? stem(after) : "profile"}`;
    const options = {
      unit: afterProfile.unit,
      minWidth: this.config.minWidth,
      diffBeforeTotal: totalWeight(beforeProfile),
    };
    const svgPath = join(this.config.outputDir, `${name}.svg`);
    await writeFileAtomic(svgPath, renderSvg(tree, options).svg);
    if (!this.config.interactiveHtml) return { changes, svgPath };
    const htmlPath = join(this.config.outputDir, `${name}.html`);
    await writeFileAtomic(htmlPath, renderHtml(tree, options));
    return { changes, svgPath, htmlPath };
  }
}
