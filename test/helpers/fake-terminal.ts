import { EventEmitter } from "node:events";

/** A terminal's output side for ink: a size that can change, and everything written. */
export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  readonly frames: string[] = [];

  constructor(
    public columns = 80,
    public rows = 24,
  ) {
    super();
  }

  write = (text: string): boolean => {
    this.frames.push(text);
    return true;
  };

  /** Everything written so far. */
  output(): string {
    return this.frames.join("");
  }

  lastFrame(): string {
    return this.frames.at(-1) ?? "";
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit("resize");
  }
}

/** A terminal's input side for ink (raw mode is a no-op); `press` types keys. */
export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  rawMode = false;
  private data: string | null = null;

  press(keys: string): void {
    this.data = keys;
    this.emit("readable");
    this.emit("data", keys);
  }

  read = (): string | null => {
    const data = this.data;
    this.data = null;
    return data;
  };

  setEncoding(): void {}
  setRawMode(mode: boolean): void {
    this.rawMode = mode;
  }
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

/** Text without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "");
}

export const KEYS = { up: "\u001b[A", down: "\u001b[B", end: "\u001b[F", ctrlC: "\u0003" } as const;

/**
 * A whole fake terminal for a command's `Terminal` option: every frame written whole, whether or
 * not ink believes it runs in CI; `screen` is the last frame that shows the history, unescaped.
 */
export function fakeTerminal(columns = 80, rows = 24) {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const terminal = {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
    everyFrame: true,
  };
  const screen = () => stripAnsi(stdout.frames.filter((frame) => frame.includes("History")).at(-1) ?? "");
  return { stdout, stdin, terminal, screen };
}
