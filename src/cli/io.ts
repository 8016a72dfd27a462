/**
 * What a command needs from the outside world, so that commands run the same in tests as from a terminal.
 */
import type { Readable } from 'node:stream';

/** Standard streams and environment of one command run. */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly stdin: Readable;
  /** Whether standard error is a terminal (progress lines are only drawn there). */
  readonly stderrIsTty: boolean;
  readonly cwd: string;
}

/** A command: parses its own arguments and resolves to the exit code. */
export type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage error: printed as a message without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
