/**
 * What a command needs from the outside world, so that commands run the same in tests as from a terminal.
 */
import type { Readable } from 'node:stream';
import type { ParseArgsConfig } from 'node:util';
import { parseArgs } from 'node:util';

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

/** The options a command declares, as `node:util` `parseArgs` takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandArgs} returns for the options `O`. */
export type ParsedCommandArgs<O extends CommandOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>
>;

/**
 * Parses a command's arguments (options anywhere, positionals allowed, unknown options rejected); a malformed command
 * line is a {@link UsageError}, so every command reports it the same way.
 *
 * @param args - the arguments after the command name
 * @param options - the command's options, as `node:util` `parseArgs` takes them
 * @returns the parsed values and positionals
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
 * ```
 */
export function parseCommandArgs<const O extends CommandOptions>(args: readonly string[], options: O): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** What a command declares: its help text, its options (`--help` is added to them) and what it does. */
export interface CommandSpec<O extends CommandOptions> {
  /** Printed by `--help` / `-h`, which every command has. */
  readonly help: string;
  readonly options: O;
  /**
   * Runs the command once its arguments are parsed and `--help` was not asked for.
   *
   * @param args - the parsed options and positionals
   * @param io - standard streams
   */
  run(args: ParsedCommandArgs<O>, io: CliIo): Promise<number>;
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Makes a {@link Command} from its spec: parses the arguments with {@link parseCommandArgs}, answers `--help` with the
 * help text (exit 0), and otherwise runs it. Every command handles arguments and help this one way.
 *
 * @param spec - the help text, options and body of the command
 * @returns the command
 * @example
 * ```ts
 * export const helloCommand = defineCommand({
 *   help: 'Usage: dialplan hello [--loud]\n',
 *   options: { loud: { type: 'boolean' } },
 *   run: async ({ values }, io) => (io.stdout.write(values.loud ? 'HELLO\n' : 'hello\n'), EXIT.ok),
 * });
 * ```
 */
export function defineCommand<const O extends CommandOptions>(spec: CommandSpec<O>): Command {
  return async (args, io) => {
    const parsed = parseCommandArgs(args, { ...spec.options, ...HELP_OPTION });
    if ((parsed.values as { help?: boolean }).help === true) {
      io.stdout.write(spec.help);
      return EXIT.ok;
    }
    return spec.run(parsed as unknown as ParsedCommandArgs<O>, io);
  };
}
