import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../atomic-file.js";
// Seed lists use the kernel's cpulist syntax (1,3,5-8), so its formatter writes them.
import { formatCpuList } from "../../cpulist.js";
import { checkOutputFolder, makeFolders } from "../../output-path.js";
import type { RunResult } from "../../report/run-result.js";
import type { SweepAxis } from "../../sweep/sweep-grid.js";
import { UserError } from "../errors.js";

/**
 * sweep.json: what the sweep is (so --resume can check it is the same), then its results. A
 * comparison of two policies (`twintune compare --out`) keeps its runs the same way, its
 * policies an axis of two values.
 */
export interface SweepManifest {
  generator: "twintune";
  kind: "sweep" | "comparison";
  scenario: string;
  /** The scenario file as typed (relative to where the sweep ran), for people. */
  file: string;
  /** The scenario file's real path, for --resume from another folder or through a link. */
  path?: string;
  axes: SweepAxis[];
  seeds: number[];
  complete: boolean;
  [more: string]: unknown;
}

/** A finished run as stored in runs/: enough to aggregate it again, and its whole result. */
export interface StoredRun {
  id: string;
  point: number;
  seed: number;
  configHash: string;
  result: RunResult;
}

/**
 * The output folder of a sweep: sweep.json, runs/<id>.json (one per finished run, written
 * whole or not at all as it finishes, so an interrupted sweep keeps them), and the summary and
 * chart once every run is in.
 */
export class SweepFolder {
  constructor(readonly dir: string) {}

  get manifestPath(): string {
    return join(this.dir, "sweep.json");
  }

  runPath(id: string): string {
    return join(this.dir, "runs", `${id}.json`);
  }

  /**
   * Checks the folder can hold this sweep: new or empty, or (with --resume) the same sweep. On
   * resume, returns what the seeds asked for leave out of the summary, for the user to see.
   */
  prepare(manifest: SweepManifest, resume: boolean): string[] {
    checkOutputFolder(this.dir);
    const exists = existsSync(this.dir);
    if (exists && !statSync(this.dir).isDirectory()) throw new UserError(`${this.dir} exists and is not a folder`);
    const holdsSweep = existsSync(this.manifestPath);
    const what = manifest.kind;
    if (!resume) {
      if (holdsSweep) {
        const held = this.readManifest().kind ?? "sweep";
        // --resume continues only the same kind of run: do not suggest it for a sweep's folder to a comparison.
        throw new UserError(
          held === what
            ? `${this.dir} holds a ${held} already: add --resume to continue it, or choose another --out`
            : `${this.dir} holds a ${held}, not a ${what}: choose another --out`,
        );
      }
      if (exists && readdirSync(this.dir).length > 0)
        throw new UserError(`${this.dir} is not empty and holds no ${what}; choose another --out`);
    } else {
      if (!holdsSweep) throw new UserError(`nothing to resume: ${this.dir} holds no sweep.json`);
      const old = this.readManifest();
      // Folders from before `path` was stored compare the file as typed; before `kind` could vary, sweeps.
      const sameScenario = old.path !== undefined ? old.path === manifest.path : old.file === manifest.file;
      const oldKind = old.kind ?? "sweep";
      if (oldKind !== what || !sameScenario || JSON.stringify(old.axes) !== JSON.stringify(manifest.axes))
        throw new UserError(
          `${this.dir} holds a ${oldKind} of ${old.file} over ${old.axes.map((a) => `${a.key}=${a.texts.join(",")}`).join(" ") || "no --set"}; --resume needs ${oldKind === what ? "" : `a ${what} of `}the same scenario${what === "comparison" ? ", policies" : ""} and --set values`,
        );
      return seedChangeNotes(this.storedSeeds(), manifest.seeds);
    }
    return [];
  }

  /** The seeds that have at least one stored run (file names `p<point>-seed<seed>.json`). */
  storedSeeds(): number[] {
    const dir = join(this.dir, "runs");
    if (!existsSync(dir)) return [];
    return readdirSync(dir).flatMap((name) => {
      const match = /^p\d+-seed(\d+)\.json$/.exec(name);
      return match === null ? [] : [Number(match[1])];
    });
  }

  readManifest(): SweepManifest {
    try {
      return JSON.parse(readFileSync(this.manifestPath, "utf8")) as SweepManifest;
    } catch (error) {
      throw new UserError(`cannot read ${this.manifestPath}: ${(error as Error).message}`);
    }
  }

  writeManifest(manifest: SweepManifest): void {
    makeFolders(join(this.dir, "runs"));
    writeFileAtomic(this.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }

  /**
   * A stored run, if there is one for `id` with this config hash and model version (a run of an
   * edited scenario, or of another twintune engine or catalog, is stale).
   */
  readRun(id: string, configHash: string, modelVersion: string): StoredRun | undefined {
    const path = this.runPath(id);
    if (!existsSync(path)) return undefined;
    try {
      const run = JSON.parse(readFileSync(path, "utf8")) as StoredRun;
      return run.configHash === configHash &&
        run.result?.configHash === configHash &&
        run.result.modelVersion === modelVersion
        ? run
        : undefined;
    } catch {
      return undefined;
    }
  }

  writeRun(run: StoredRun): void {
    writeFileAtomic(this.runPath(run.id), `${JSON.stringify(run)}\n`);
  }

  writeFile(name: string, content: string): void {
    writeFileAtomic(join(this.dir, name), content);
  }
}

/** "seed 4" or "seeds 4-5,7", in the --seeds syntax. */
export function seedsText(seeds: readonly number[]): string {
  return `${seeds.length === 1 ? "seed" : "seeds"} ${formatCpuList(seeds)}`;
}

/**
 * What resuming with seeds `now` does to the summary, given the seeds that have runs in runs/:
 * those left out of `now` stay on disk but leave the summary. (The header's "reused" count says
 * which of `now` were already there.)
 */
export function seedChangeNotes(stored: readonly number[], now: readonly number[]): string[] {
  const kept = new Set(now);
  const dropped = [...new Set(stored)].filter((seed) => !kept.has(seed)).sort((a, b) => a - b);
  if (dropped.length === 0) return [];
  const all = [...new Set([...now, ...dropped])].sort((a, b) => a - b);
  return [
    `runs/ also holds runs of ${seedsText(dropped)}, which the summary of ${seedsText(now)} leaves out (resume with --seeds ${formatCpuList(all)} to include them)`,
  ];
}

/** The index of runs a finished sweep.json ends with: each run's id, grid point, seed and trace hash. */
export function runIndex(
  jobs: readonly { id: string; point: number; seed: number }[],
  results: ReadonlyMap<string, RunResult>,
): { id: string; point: number; seed: number; traceHash: string | undefined }[] {
  return jobs.map((job) => ({
    id: job.id,
    point: job.point,
    seed: job.seed,
    traceHash: results.get(job.id)?.traceHash,
  }));
}

/** What an interrupted sweep or comparison says: how many runs are kept where, and how to finish. */
export function interruptedMessage(kind: SweepManifest["kind"], done: number, total: number, where: string): string {
  return `twintune: ${kind} interrupted: ${done} of ${total} runs are done and kept in ${where}/runs; run the same command with --resume to finish it\n`;
}
