/** A mistake in how the command was called (unknown command or flag, bad value): exit code 2. */
export class UsageError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = "UsageError";
    this.hint = hint;
  }
}

/**
 * A problem with the user's input or environment (a missing file, a malformed scenario, no
 * permission): printed as one message without a stack trace. Exit code 1 unless given.
 */
export class UserError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}
