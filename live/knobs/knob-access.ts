import type { KnobName, KnobRef, KnobValues } from "../../src/backend.js";
import type { CommandRunner } from "../command-runner.js";
import type { HostFs, TextFs } from "../host-fs.js";

/** Values earlier changes of the same batch will have set, so a dry run sees the batch's end state. */
export type PendingValues = ReadonlyMap<string, unknown>;

/** What a knob reads and writes through. */
export interface KnobContext {
  host: HostFs;
  runner: CommandRunner;
  /** The sysctls of a network namespace ("host" = the host's own). */
  netns(name: string): TextFs;
  /**
   * A named network namespace beyond its name (the inode of its /run/netns file), so a namespace
   * deleted and made again under that name is told apart; rejects when it is gone.
   */
  netnsIdentity?(name: string): Promise<string>;
  /** Whether the process may write kernel tunables at all (effective uid 0). */
  isRoot: boolean;
  pending: PendingValues;
  /** The running kernel's CONFIG_HZ, undefined when its config is not readable (see kernel-hz.ts). */
  kernelHz?(): Promise<number | undefined>;
}

export interface SetOptions {
  /** Validate and normalize only: write nothing, return what would be written. */
  dryRun: boolean;
  /**
   * The value is an original read back from the kernel (a revert): write it as it was, without
   * the sanity bounds, which guard what twintune proposes, not what the host already had.
   */
  restore?: boolean;
}

/**
 * One declared knob, as Red Hat tuned declares its tunables: get, set (dry-run returns the
 * normalized value after the sanity bounds), verify by reading back. Knob implementations live
 * in live/knobs/<group>.ts and are listed in live/knobs/knob-table.ts.
 */
export interface KnobAccess<K extends KnobName = KnobName> {
  readonly name: K;
  readonly group: "block" | "net" | "process" | "cgroup" | "nic";
  /** Position in a batch: lower is written first; revert runs in reverse. */
  readonly order: number;
  /** One line for `--help` and status. */
  readonly summary: string;
  /** Targets this host offers (devices, "host", interfaces); process and cgroup knobs list none. */
  targets(ctx: KnobContext): Promise<string[]>;
  /** Whether the knob exists for this target now (file present, program installed). */
  available(ctx: KnobContext, target: string): Promise<boolean>;
  /** Why it does not, in words, when the knob can say more than its path (no resctrl mounted...). */
  unavailableWhy?(ctx: KnobContext, target: string): Promise<string | undefined>;
  /** The file (or program) a write touches, for messages and the journal. */
  path(target: string): string;
  get(ctx: KnobContext, target: string): Promise<KnobValues[K]>;
  /** Throws (WriteRefusedError, HostFsError) when a write would be refused or not permitted; writes nothing. */
  writable(ctx: KnobContext, target: string): Promise<void>;
  /** Checks the sanity bounds and normalizes; throws KnobValueError before any write. */
  set(ctx: KnobContext, target: string, value: KnobValues[K], options: SetOptions): Promise<KnobValues[K]>;
  /** Reads back: ok when the knob now holds `expected`. */
  verify(ctx: KnobContext, target: string, expected: KnobValues[K]): Promise<{ ok: boolean; found: KnobValues[K] }>;
  /**
   * Why a write read back something else, in the words `--set` takes (the kernel moving features
   * that depend on each other, say); undefined to show the two values as they are.
   */
  explainMismatch?(previous: KnobValues[K], wrote: KnobValues[K], found: KnobValues[K]): string | undefined;
  /** Parses a value as a user types it (`--set knob=value`); throws Error with what was expected. */
  parse(text: string): KnobValues[K];
  /**
   * Knobs a write to this one resets as a side effect (a scheduler switch resets nr_requests and
   * replaces the iosched tunables): saved with its original and restored after it.
   */
  dependents?(ctx: KnobContext, target: string): Promise<KnobRef[]>;
  /**
   * The one spelling of a target this knob accepts under several ("/sys/fs/cgroup/g/" is
   * "/sys/fs/cgroup/g"), so the journal keeps one record per knob; absent: targets are as given.
   */
  canonical?(target: string): string;
  /** Identifies the target beyond its name (a pid's start time), so revert never hits a reused pid. */
  identity?(ctx: KnobContext, target: string): Promise<string>;
  /**
   * Called on restore when the target is gone (the process exited): removes what the knob made for
   * it that the kernel keeps (an empty resctrl group, holding a CLOSID). Never touches the host's own.
   */
  gone?(ctx: KnobContext, target: string): Promise<void>;
}
