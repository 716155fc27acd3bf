import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../atomic-file.js";
// Seed lists use the kernel's cpulist syntax (1,3,5-8), so its formatter writes them.
import { formatCpuList } from "../../cpulist.js";
import { checkOutputFolder, makeFolders } from "../../output-path.js";
import type { RunResult } from "../../report/run-result.js";
import type { SweepAxis } from "../../sweep/sweep-grid.js";
import { UserError } from "../errors.js";

/** sweep.json: what the sweep is (so --resume can check it is the same), then its results. */
export interface SweepManifest {
  generator: "twintune";
  kind: "sweep";
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
   * resume with other seeds, returns what that does to the summary, for the user to see.
   */
  prepare(manifest: SweepManifest, resume: boolean): string[] {
    checkOutputFolder(this.dir);
    const exists = existsSync(this.dir);
    if (exists && !statSync(this.dir).isDirectory()) throw new UserError(`${this.dir} exists and is not a folder`);
    const holdsSweep = existsSync(this.manifestPath);
    if (!resume) {
      if (holdsSweep)
        throw new UserError(`${this.dir} holds a sweep already: add --resume to continue it, or choose another --out`);
      if (exists && readdirSync(this.dir).length > 0)
        throw new UserError(`${this.dir} is not empty and holds no sweep; choose another --out`);
    } else {
      if (!holdsSweep) throw new UserError(`nothing to resume: ${this.dir} holds no sweep.json`);
      const old = this.readManifest();
      // Folders from before `path` was stored compare the file as typed.
      const sameScenario = old.path !== undefined ? old.path === manifest.path : old.file === manifest.file;
      if (!sameScenario || JSON.stringify(old.axes) !== JSON.stringify(manifest.axes))
        throw new UserError(
          `${this.dir} holds a sweep of ${old.file} over ${old.axes.map((a) => `${a.key}=${a.texts.join(",")}`).join(" ") || "no --set"}; --resume needs the same scenario and --set values`,
        );
      return seedChangeNotes(old.seeds, manifest.seeds);
    }
    return [];
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

/** What resuming with `now` instead of the folder's seeds `before` does to the summary. */
export function seedChangeNotes(before: readonly number[], now: readonly number[]): string[] {
  const kept = new Set(now);
  const was = new Set(before);
  const dropped = before.filter((seed) => !kept.has(seed));
  const added = now.filter((seed) => !was.has(seed));
  const notes: string[] = [];
  if (added.length > 0)
    notes.push(`--resume adds seeds ${formatCpuList(added)} to the sweep's ${formatCpuList(before)}`);
  if (dropped.length > 0)
    notes.push(
      `the summary will cover seeds ${formatCpuList(now)} only: the runs of seeds ${formatCpuList(dropped)} stay in runs/ but leave it (resume with --seeds ${formatCpuList([...before, ...added].sort((a, b) => a - b))} to keep them)`,
    );
  return notes;
}
