import { readdir, stat } from "node:fs/promises";
import type { CommandRunner } from "../../../../live/command-runner.js";
import { writeHookFromEnv } from "../../../../live/engine/test-hook.js";
import { JournalRootError, KnobVerifyError, LeftoverJournalError } from "../../../../live/errors.js";
import type { HostFs } from "../../../../live/host-fs.js";
import { HostFsError } from "../../../../live/host-fs-error.js";
import { JournalBusyError } from "../../../../live/journal/lock.js";
import { stateDirectory } from "../../../../live/journal/state-dir.js";
import { LiveBackend } from "../../../../live/live-backend.js";
import { ParseError } from "../../../../live/parsers/parsed.js";
import { WriteRefusedError } from "../../../../live/write-allow-list.js";
import { KnobConflictError, KnobPermissionError, KnobUnavailableError, KnobValueError } from "../../../backend.js";
import { finishingHostChanges } from "../../closed-output.js";
import { UsageError, UserError } from "../../errors.js";
import type { CliIO } from "../../io.js";
import type { Terminal } from "../../tui/show-feed.js";

/** What the live commands need from outside, so tests can replace it. */
export interface LiveDeps {
  /** The host's files (default: the real host at --root or /). */
  fs?: HostFs;
  runner?: CommandRunner;
  /** Resolves when the user wants the process to end (SIGINT/SIGTERM); for --revert-on-exit. */
  waitForExit?: () => Promise<string>;
  /** Whether writes are permitted (default: effective uid 0). */
  isRoot?: boolean;
  /** Where --tui draws (default: the process's terminal, if it is one). */
  terminal?: Terminal;
  /** Directory of named network namespaces (default /run/netns, where 'ip netns add' puts them). */
  netnsDir?: string;
}

const DEFAULT_NETNS_DIR = "/run/netns";

/** Exit codes: 77 not permitted (EX_NOPERM), 75 try again later (EX_TEMPFAIL: leftover journal, another run). */
export const EXIT_NOT_PERMITTED = 77;
export const EXIT_TRY_LATER = 75;

export interface CommonOptions {
  "state-dir"?: string;
  root?: string;
  pid?: string[];
}

export function parsePids(values: readonly string[] | undefined): number[] {
  return (values ?? []).map((value) => {
    if (!/^\d{1,10}$/.test(value) || Number(value) < 1)
      throw new UsageError(`--pid expects a process id, got '${value}'`);
    return Number(value);
  });
}

export async function openBackend(io: CliIO, options: CommonOptions, deps: LiveDeps): Promise<LiveBackend> {
  const uid = process.geteuid?.() ?? -1;
  if (options.root !== undefined && deps.fs === undefined) {
    const root = await stat(options.root).catch(() => undefined);
    if (root === undefined || !root.isDirectory())
      throw new UsageError(
        `--root ${options.root}: ${root === undefined ? "no such folder" : "not a folder"} (expected a host tree with proc/ and sys/)`,
      );
  }
  const pids = parsePids(options.pid);
  const backend = await LiveBackend.open({
    stateDir: stateDirectory(io.env, uid, options["state-dir"]),
    root: options.root ?? "/",
    pids,
    hook: writeHookFromEnv(io.env),
    ...(deps.runner ? { runner: deps.runner } : {}),
    ...(deps.fs ? { fs: deps.fs } : {}),
    ...(deps.isRoot === undefined ? {} : { isRoot: deps.isRoot }),
    ...(deps.netnsDir ? { netnsDir: deps.netnsDir } : {}),
  });
  for (const pid of pids) {
    if (!(await backend.fs.exists(`/proc/${pid}`)))
      throw new UsageError(
        `--pid ${pid}: no process with pid ${pid}${options.root === undefined ? "" : ` under --root ${options.root}`}`,
      );
  }
  return backend;
}

/**
 * Checks that the named network namespace exists ('ip netns add NAME' makes /run/netns/NAME),
 * so a typo is an error naming it rather than a plan for a namespace that is not there.
 * `what` names where the name came from ("--netns", "--set somaxconn@ns1=...").
 */
export async function requireNetns(name: string, what: string, deps: LiveDeps): Promise<void> {
  if (name === "host") return;
  const dir = deps.netnsDir ?? DEFAULT_NETNS_DIR;
  if (!/^[\w.-]{1,64}$/.test(name) || name === "." || name === "..") {
    throw new UsageError(`${what}: '${name}' is not a network namespace name (letters, digits, '.', '_', '-')`);
  }
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") {
      throw new UserError(`cannot list the network namespaces in ${dir}: ${(error as Error).message}`);
    }
    names = [];
  }
  if (!names.includes(name)) {
    const known = names.length > 0 ? `namespaces here: ${names.join(", ")}` : "there are none";
    throw new UsageError(
      `${what}: no network namespace '${name}' (no ${dir}/${name}; ${known})`,
      "'ip netns list' lists them; leave out --netns for the host's own network knobs.",
    );
  }
}

/** The user-facing error an exception from the live backend is: one message, the right exit code. */
export function userErrorOf(error: unknown): unknown {
  if (error instanceof KnobPermissionError) {
    return new UserError(
      `not permitted: ${error.message}${process.geteuid?.() === 0 ? "" : " (run as root)"}; nothing was changed`,
      EXIT_NOT_PERMITTED,
    );
  }
  if (error instanceof WriteRefusedError) return new UserError(error.message, EXIT_NOT_PERMITTED);
  // The journal's own files: the state directory is the user's choice, so say how to choose.
  const stateHint =
    error instanceof HostFsError && /\/(journal\.jsonl|lock)$/.test(error.path)
      ? " (the journal's folder: give --state-dir DIR or TWINTUNE_STATE_DIR where you may write)"
      : "";
  if (error instanceof HostFsError && error.denied)
    return new UserError(`not permitted: ${error.message}${stateHint}`, EXIT_NOT_PERMITTED);
  if (error instanceof HostFsError && stateHint !== "") return new UserError(`${error.message}${stateHint}`);
  if (error instanceof LeftoverJournalError || error instanceof JournalBusyError || error instanceof JournalRootError) {
    return new UserError(error.message, EXIT_TRY_LATER);
  }
  // A journal that cannot be read is why nothing runs: say what it holds and what fixing it costs.
  if (error instanceof ParseError && /\/journal\.jsonl$/.test(error.file))
    return new UserError(
      `${error.message}: twintune's journal cannot be read, so it will not touch this host. It holds the original value of every knob twintune changed here: repair ${error.line > 0 ? "that line" : "it"}, or move the file aside to start afresh (its originals are then forgotten; its lines say what they were).`,
    );
  if (
    error instanceof KnobValueError ||
    error instanceof KnobUnavailableError ||
    error instanceof KnobConflictError ||
    error instanceof KnobVerifyError ||
    error instanceof ParseError ||
    error instanceof HostFsError
  ) {
    return new UserError(error.message);
  }
  return error;
}

/**
 * Runs a live subcommand, turning backend errors into user errors. One that `changesHost` runs to
 * its end even when its output is closed under it (see closed-output.ts).
 */
export async function withLiveErrors(
  body: () => Promise<number>,
  options: { changesHost?: boolean } = {},
): Promise<number> {
  try {
    return await (options.changesHost ? finishingHostChanges(body) : body());
  } catch (error) {
    throw userErrorOf(error);
  }
}

/**
 * The signals that end a run: Ctrl-C, kill, and a hangup (an SSH session or terminal gone), which
 * must restore as the others do rather than kill a --revert-on-exit holder with its changes made.
 */
const EXIT_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/** The exit status of a run ended by `signal`: 128 + its number, as a shell reports it. */
export function signalStatus(signal: string): number {
  return 128 + (EXIT_SIGNALS[signal as keyof typeof EXIT_SIGNALS] ?? 15);
}

/** SIGHUP, SIGINT or SIGTERM, caught from the moment this is made until `stop()`. */
export interface ExitSignal {
  /** The first signal's name once it came; the process stays alive while this is awaited. */
  wait(): Promise<string>;
  /** Stops catching them (after the restore: a signal during it must not cut it short). */
  stop(): void;
  /** The signal caught so far, if any. */
  received(): string | undefined;
}

/** `onSignal` hears of each signal caught (to say what happens now); `repeat` after the first. */
export function listenForExitSignal(onSignal: (signal: string, repeat: boolean) => void = () => undefined): ExitSignal {
  let received: string | undefined;
  let wake: ((signal: string) => void) | undefined;
  const caught = (signal: string) => {
    onSignal(signal, received !== undefined);
    if (received !== undefined) return;
    received = signal;
    wake?.(signal);
  };
  for (const signal of Object.keys(EXIT_SIGNALS)) process.on(signal, caught);
  return {
    wait: () =>
      received !== undefined
        ? Promise.resolve(received)
        : new Promise((resolve) => {
            // A signal listener does not keep Node's event loop alive: without a pending timer
            // the process would end here (exit 13, an unsettled await), changes still applied.
            const keepAlive = setInterval(() => undefined, 2 ** 30);
            wake = (signal) => {
              clearInterval(keepAlive);
              resolve(signal);
            };
          }),
    stop: () => {
      for (const signal of Object.keys(EXIT_SIGNALS)) process.off(signal, caught);
    },
    received: () => received,
  };
}
