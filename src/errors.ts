// Typed errors: every failure a user can cause carries a one-line message and the fix; main.ts maps them to exit codes.

export class PlaygroundError extends Error {
  /** exit code: 1 failure, 2 usage */
  readonly exitCode: number;
  readonly fix?: string;
  constructor(message: string, fix?: string, exitCode = 1) {
    super(message);
    this.name = "PlaygroundError";
    this.fix = fix;
    this.exitCode = exitCode;
  }
}

export class UsageError extends PlaygroundError {
  constructor(message: string, fix?: string) {
    super(message, fix, 2);
    this.name = "UsageError";
  }
}

export class NotRunningError extends PlaygroundError {
  /** `where` names the state dir (and the project it belongs to), see describeStateDir */
  constructor(where: string) {
    super(`the playground is not running (${where})`, "start it with `npx patterns start`");
    this.name = "NotRunningError";
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
