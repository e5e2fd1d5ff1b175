/** Exit codes (documented in docs/cli.md). */
export enum ExitCode {
  Ok = 0,
  Failed = 1,
  Usage = 2,
  Precondition = 3,
}

/** An error meant for users: what went wrong, and (in `hint`) what to do about it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failed,
    readonly hint?: string,
  ) {
    super(message);
  }
}
