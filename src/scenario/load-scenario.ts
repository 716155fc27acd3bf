import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { loadCatalog } from "../catalog/catalog-loader.js";
import {
  type DeviceCatalog,
  type DeviceSpec,
  loadDeviceCatalog,
  normalizeScheduler,
} from "../catalog/device-catalog.js";
import { type HostSpec, loadHostCatalog } from "../catalog/host-catalog.js";
import type { InstanceCatalog } from "../catalog/instance-catalog.js";
import { loadNetworkCatalog, type PathSpec } from "../catalog/network-catalog.js";
import { ConfigError, formatKeyPath } from "../config/config-error.js";
import {
  closestIssue,
  describeIssue,
  issuePath,
  readSourceDocument,
  type SourceDocument,
} from "../config/load-yaml.js";
import { parseCpuList } from "../cpulist.js";
import { grouped } from "../number-text.js";
import { applyOverrides, overrideAt, overrideWithin, type ScenarioOverride } from "./scenario-override.js";
import { issueInputs, type Scenario, ScenarioSchema } from "./scenario-schema.js";

/** A scenario with its catalog references resolved: what the twin is built from. */
export interface ResolvedScenario {
  file: string;
  scenario: Scenario;
  host: HostSpec;
  devices: { name: string; spec: DeviceSpec }[];
  schedulers: DeviceCatalog["schedulers"];
  paths: PathSpec[];
  /** Things worth telling the user that are not errors (legacy scheduler names...). */
  warnings: string[];
}

export interface Catalogs {
  hosts: HostSpec[];
  devices: DeviceCatalog;
  paths: PathSpec[];
  /** Instance types: a VM's `instanceType` must be one, and prices it when `hourlyUsd` is left out. */
  instances: InstanceCatalog;
}

export function loadCatalogs(): Catalogs {
  return {
    hosts: loadHostCatalog(),
    devices: loadDeviceCatalog(),
    paths: loadNetworkCatalog(),
    instances: loadCatalog(),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep merge where `over` wins: objects merge key by key, everything else (arrays too) is replaced. */
export function mergeConfig(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = mergeConfig(base[key], value);
  return out;
}

/** Reads a file and its includes, depth first; returns the documents in merge order (file last). */
function readWithIncludes(file: string, chain: string[] = []): SourceDocument[] {
  const path = resolve(file);
  if (chain.includes(path))
    throw new ConfigError(
      file,
      undefined,
      undefined,
      "include",
      `includes itself through ${[...chain, path].join(" -> ")}`,
    );
  const document = readSourceDocument(file);
  if (!isPlainObject(document.data)) throw new ConfigError(file, 1, 1, "", "expected a mapping of scenario keys");
  const given = document.data.include;
  // One file may be named on its own: `include: base.yaml`.
  const includes = typeof given === "string" ? [given] : given;
  const documents: SourceDocument[] = [];
  if (includes !== undefined) {
    if (!Array.isArray(includes) || includes.some((item) => typeof item !== "string")) {
      const at = document.locate(["include"]);
      throw new ConfigError(file, at?.line, at?.column, "include", "expected a file path or a list of file paths");
    }
    for (const [i, include] of (includes as string[]).entries()) {
      // A problem with an included file is said where it is included: this file, its line.
      const target = resolve(dirname(path), include);
      const kind = include.trim() === "" ? "empty" : statSync(target, { throwIfNoEntry: false });
      const problem =
        kind === "empty"
          ? "expected a file path, got an empty string"
          : kind === undefined
            ? `no such file: ${target}`
            : kind.isDirectory()
              ? `${target} is a folder, not a scenario file`
              : undefined;
      if (problem !== undefined) {
        const at = document.locate(["include", i]);
        throw new ConfigError(file, at?.line, at?.column, `include[${i}]`, problem);
      }
      documents.push(...readWithIncludes(target, [...chain, path]));
    }
  }
  documents.push(document);
  return documents;
}

/** The error for key path `path`, located in the last document (in merge order) that sets it. */
function errorAt(
  documents: SourceDocument[],
  path: readonly PropertyKey[],
  problem: string,
  at: "value" | "key" = "value",
): ConfigError {
  for (let depth = path.length; depth >= 0; depth--) {
    for (let i = documents.length - 1; i >= 0; i--) {
      const document = documents[i] as SourceDocument;
      if (hasPath(document.data, path.slice(0, depth))) {
        const where = document.locate(path.slice(0, depth), depth === path.length ? at : "value");
        return new ConfigError(document.file, where?.line, where?.column, formatKeyPath(path), problem);
      }
    }
  }
  const last = documents.at(-1) as SourceDocument;
  return new ConfigError(last.file, undefined, undefined, formatKeyPath(path), problem);
}

/**
 * The override that made the section `path` lies in, where the files do not have it:
 * `--set fleet.spot.share=0.5` on a scenario without a fleet makes a fleet section that lacks
 * fleet.vms, and the flag, not the file, is what to fix.
 */
function overrideCreating(
  overrides: readonly ScenarioOverride[],
  fromFiles: unknown,
  path: readonly PropertyKey[],
): { override: ScenarioOverride; section: PropertyKey[] } | undefined {
  let depth = 0;
  while (depth < path.length && hasPath(fromFiles, path.slice(0, depth + 1))) depth++;
  if (depth >= path.length - 1) return undefined;
  const section = path.slice(0, depth + 1);
  const override = [...overrides]
    .reverse()
    .find((o) => o.path.length > section.length && section.every((key, i) => key === o.path[i]));
  return override === undefined ? undefined : { override, section };
}

function hasPath(data: unknown, path: readonly PropertyKey[]): boolean {
  let node = data;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === "number") node = node[key];
    else if (isPlainObject(node) && typeof key === "string") node = node[key];
    else return false;
    if (node === undefined) return false;
  }
  return true;
}

/**
 * Loads a scenario: reads it and its includes (later keys win), validates it against the schema,
 * resolves host, device and path models from the catalogs and checks every cross-reference.
 * Errors name the file, line, key path and what was expected.
 */
export function loadScenario(
  file: string,
  catalogs: Catalogs = loadCatalogs(),
  overrides: readonly ScenarioOverride[] = [],
  options: LoadOptions = {},
): ResolvedScenario {
  return resolveScenario(readWithIncludes(file), catalogs, overrides, options);
}

export interface LoadOptions {
  /**
   * The scenario is to be tuned (run, sweep, compare, tui), not only simulated: its duration must
   * leave time to apply one change and validate it, or every change would be judged after the end.
   */
  tuningRun?: boolean;
}

/** A scenario built in code (validation cases, tests), checked exactly like a file; `label` names it in errors. */
export function scenarioFromObject(
  data: unknown,
  label: string,
  catalogs: Catalogs = loadCatalogs(),
): ResolvedScenario {
  return resolveScenario([{ file: label, data, locate: () => undefined }], catalogs);
}

function resolveScenario(
  documents: SourceDocument[],
  catalogs: Catalogs,
  overrides: readonly ScenarioOverride[] = [],
  options: LoadOptions = {},
): ResolvedScenario {
  const file = (documents.at(-1) as SourceDocument).file;
  const fromFiles = documents.reduce<unknown>((acc, document) => mergeConfig(acc, document.data), {});
  const merged = applyOverrides(fromFiles, overrides);
  // A problem in a value set on the command line names the flag; anything else, the file and line.
  const locate = (
    path: PropertyKey[],
    problem: string,
    inputs: PropertyKey[][] = [],
    at: "value" | "key" = "value",
  ): ConfigError => {
    // A flag that set a part of the value at fault counts too (tcpRmem[0] for an out-of-order
    // tcpRmem), below the top level: a scenario-wide rule on `vms` is not one VM's flag's doing.
    const override =
      [path, ...inputs].map((at) => overrideAt(overrides, at)).find((found) => found !== undefined) ??
      (path.length >= 2 ? overrideWithin(overrides, path) : undefined);
    if (override !== undefined)
      return new ConfigError(override.label, undefined, undefined, formatKeyPath(path), problem);
    const creator = overrideCreating(overrides, fromFiles, path);
    if (creator !== undefined) {
      const section = formatKeyPath(creator.section);
      const why = `${problem} (the scenario has no ${section}; this flag would create one)`;
      return new ConfigError(creator.override.label, undefined, undefined, formatKeyPath(path), why);
    }
    return errorAt(documents, path, problem, at);
  };
  const parsed = ScenarioSchema.safeParse(merged, { reportInput: true });
  if (!parsed.success) {
    const issue = closestIssue(parsed.error.issues[0] as z.core.$ZodIssue, merged, ScenarioSchema);
    const at = issue.code === "unrecognized_keys" ? "key" : "value";
    throw locate(issuePath(issue), describeIssue(issue, ScenarioSchema), issueInputs(issue), at);
  }
  const scenario = parsed.data;
  const fail = (path: PropertyKey[], problem: string): never => {
    throw locate(path, problem);
  };
  const oneChange = scenario.tuning.interval + scenario.tuning.validation;
  if (options.tuningRun && scenario.fleet === undefined && scenario.duration < oneChange) {
    // The key is duration; the place is the flag that set one of the three, if one did.
    const minutes = (ms: number) => `${Number((ms / 60_000).toFixed(2))} min`;
    const problem = `expected at least ${minutes(oneChange)} (tuning.interval + tuning.validation: time to apply one change and validate it), got ${minutes(scenario.duration)}`;
    const keys: PropertyKey[][] = [["duration"], ["tuning", "validation"], ["tuning", "interval"]];
    const flag = keys.map((key) => overrideAt(overrides, key)).find((override) => override !== undefined);
    throw flag === undefined
      ? errorAt(documents, ["duration"], problem)
      : new ConfigError(flag.label, undefined, undefined, "duration", problem);
  }
  const choose = <T extends { name: string }>(
    items: readonly T[],
    wanted: string,
    path: PropertyKey[],
    what: string,
  ): T =>
    items.find((item) => item.name === wanted) ??
    fail(path, `unknown ${what} '${wanted}'; known: ${items.map((item) => item.name).join(", ")}`);

  const host = choose(catalogs.hosts, scenario.host.model, ["host", "model"], "host model");
  const warnings: string[] = [];
  const devices = scenario.host.devices.map((device, i) => {
    const spec = choose(catalogs.devices.devices, device.model, ["host", "devices", i, "model"], "device model");
    const normalized =
      normalizeScheduler(device.scheduler) ??
      fail(
        ["host", "devices", i, "scheduler"],
        `unknown I/O scheduler '${device.scheduler}'; expected none, mq-deadline, bfq or kyber`,
      );
    if (normalized.warning !== undefined) warnings.push(`${device.name}: ${normalized.warning}`);
    device.scheduler = normalized.scheduler;
    return { name: device.name, spec };
  });
  const paths = scenario.paths.map((path, i) => {
    const base = choose(catalogs.paths, path.model, ["paths", i, "model"], "network path model");
    return {
      ...base,
      name: path.name,
      bandwidthMbps: path.bandwidthMbps ?? base.bandwidthMbps,
      rttMs: path.rttMs ?? base.rttMs,
      lossRate: path.lossRate ?? base.lossRate,
    };
  });
  const hostCpus = new Set(host.nodes.flatMap((node) => parseCpuList(node.cpus)));
  const hostMemoryGiB = host.nodes.reduce((sum, node) => sum + node.memoryGiB, 0);
  const names = new Set<string>();
  scenario.vms.forEach((vm, i) => {
    if (names.has(vm.name)) fail(["vms", i, "name"], `VM '${vm.name}' is defined twice`);
    names.add(vm.name);
    checkInstanceType(vm, i, catalogs.instances, fail);
    if (vm.memoryGiB > hostMemoryGiB)
      fail(
        ["vms", i, "memoryGiB"],
        `expected at most the host's ${hostMemoryGiB} GiB (host model '${host.name}'), got ${vm.memoryGiB}`,
      );
    const { network: uses } = vm.workload.request;
    if (uses !== undefined && scenario.host.interfaces.length === 0)
      throw locate(
        ["vms", i, "workload", "request", "network"],
        "the VM sends over the network, but the host has no interface (host.interfaces is empty)",
        [["host", "interfaces"]],
      );
    if (vm.affinity !== undefined) {
      const missing = parseCpuList(vm.affinity).filter((cpu) => !hostCpus.has(cpu));
      if (missing.length > 0)
        fail(["vms", i, "affinity"], `CPUs ${missing.join(",")} are not on host model '${host.name}'`);
    }
    vm.memory.nodes.forEach((node, j) => {
      if (node >= host.nodes.length)
        fail(
          ["vms", i, "memory", "nodes", j],
          `node ${node} is not on host model '${host.name}' (nodes 0-${host.nodes.length - 1})`,
        );
    });
    const pages = vm.memory.pages;
    if (pages !== undefined && pages.length !== host.nodes.length)
      fail(["vms", i, "memory", "pages"], `expected ${host.nodes.length} shares, one per node`);
    if (pages !== undefined && !(pages.reduce((a, b) => a + b, 0) > 0))
      fail(["vms", i, "memory", "pages"], "page shares must not all be zero");
    const { io, network } = vm.workload.request;
    if (io !== undefined && !scenario.host.devices.some((device) => device.name === io.device)) {
      fail(
        ["vms", i, "workload", "request", "io", "device"],
        `no device '${io.device}' on the host; devices: ${scenario.host.devices.map((d) => d.name).join(", ") || "none"}`,
      );
    }
    if (network !== undefined && !paths.some((path) => path.name === network.path)) {
      fail(
        ["vms", i, "workload", "request", "network", "path"],
        `no path '${network.path}'; paths: ${paths.map((p) => p.name).join(", ") || "none"}`,
      );
    }
    const overload = openLoadOverCapacity(vm, scenario.duration);
    if (overload !== undefined) warnings.push(overload);
  });
  // Memory may be overcommitted, as on a real host, but the twin neither swaps nor balloons.
  const residentGiB = scenario.vms.reduce((sum, vm) => sum + (vm.workload.memoryUsedGiB ?? vm.memoryGiB / 2), 0);
  if (residentGiB > hostMemoryGiB)
    warnings.push(
      `the VMs' resident memory adds up to ${Number(residentGiB.toFixed(1))} GiB, more than the ${hostMemoryGiB} GiB of host model '${host.name}': the twin does not model swapping or ballooning, so it runs them as if they fitted`,
    );
  return { file, scenario, host, devices, schedulers: catalogs.devices.schedulers, paths, warnings };
}

/**
 * A VM billed as a catalog instance type: the type must exist and hold the VM (a VM never gets
 * more vCPUs or memory than the type it is billed as; it may be given less), and its price is
 * the catalog's unless the scenario sets hourlyUsd. A misspelled type would otherwise price the
 * VM at nothing and take it out of right-sizing and purchase options without a word.
 */
function checkInstanceType(
  vm: Scenario["vms"][number],
  index: number,
  instances: InstanceCatalog,
  fail: (path: PropertyKey[], problem: string) => never,
): void {
  if (vm.instanceType === undefined) return;
  const type = instances.get(vm.instanceType);
  if (type === undefined) {
    const near = instances.closeNames(vm.instanceType);
    fail(
      ["vms", index, "instanceType"],
      `unknown instance type '${vm.instanceType}' in ${instances.origin}${near.length > 0 ? ` (did you mean ${near.map((name) => `'${name}'`).join(" or ")}?)` : ""}`,
    );
  }
  if (vm.vcpus > type.vcpus)
    fail(["vms", index, "vcpus"], `expected at most the ${type.vcpus} vCPUs of ${type.name}, got ${vm.vcpus}`);
  if (vm.memoryGiB > type.memoryGiB)
    fail(
      ["vms", index, "memoryGiB"],
      `expected at most the ${type.memoryGiB} GiB of ${type.name}, got ${vm.memoryGiB}`,
    );
  vm.hourlyUsd ??= type.hourlyUsd;
}

/**
 * An open-arrival VM whose mean rate needs more CPU than its vCPUs have, by its request's CPU
 * time alone (stalls and I/O only add to it): its queue grows for the whole run, which then
 * takes long and mostly measures timeouts. Worth saying before the run starts.
 */
function openLoadOverCapacity(vm: Scenario["vms"][number], durationMs: number): string | undefined {
  const arrivals = vm.workload.arrivals;
  if (!("ratePerSec" in arrivals)) return undefined;
  // The mean rate at the start and, with a trend, at the end: the higher of the two.
  const atEnd = arrivals.ratePerSec * Math.max(0, 1 + arrivals.trendPerDay * (durationMs / 86_400_000));
  const rate = Math.max(arrivals.ratePerSec, atEnd);
  const busyCpus = (rate * vm.workload.request.cpuMs) / 1000;
  if (busyCpus <= vm.vcpus) return undefined;
  const when = atEnd > arrivals.ratePerSec ? "by the end of the run (its trend)" : "from the start";
  return `${vm.name}: ${grouped(rate, 0)} requests/s ${when} x ${vm.workload.request.cpuMs} ms of CPU need ${busyCpus.toFixed(1)} CPUs, ${(busyCpus / vm.vcpus).toFixed(1)}x its ${vm.vcpus} vCPUs: its queue grows while that lasts, so the run is slow and its requests mostly time out`;
}
