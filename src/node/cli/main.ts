#!/usr/bin/env node
/**
 * The `dialplan` command line: one sub-command per file, dispatched from here.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DialPlanError } from '../../engine/errors.js';
import type { CliIo, Command } from './io.js';
import { EXIT, UsageError } from './io.js';
/**
 * The sub-commands, by name. New commands register here. Each is imported when it runs: a command loads only its own
 * modules (batch does not load the HTTP server, lint or init), which keeps every command's start-up short.
 */
export const COMMANDS: Readonly<Record<string, { readonly load: () => Promise<Command>; readonly summary: string }>> = {
  query: { load: async () => (await import('./query.js')).queryCommand, summary: 'print the ICWS details of numbers' },
  test: { load: async () => (await import('./test.js')).testCommand, summary: 'run the inline tests of rule files' },
  explain: { load: async () => (await import('./explain.js')).explainCommand, summary: 'show how the plan resolves numbers, stage by stage' },
  lint: { load: async () => (await import('./lint.js')).lintCommand, summary: 'check rule files for unreachable entries and unused parts' },
  serve: { load: async () => (await import('./serve.js')).serveCommand, summary: 'serve the ICWS query-details endpoint over HTTP' },
  batch: { load: async () => (await import('./batch.js')).batchCommand, summary: 'resolve every number of a file (lines or CSV, gzip) to NDJSON or CSV' },
  init: { load: async () => (await import('./init.js')).initCommand, summary: 'write a starter plan for a country from libphonenumber-js metadata' },
  compile: { load: async () => (await import('./compile.js')).compileCommand, summary: 'check a rule file and write it precompiled (JSON that loads without YAML)' },
  import: { load: async () => (await import('./import.js')).importCommand, summary: 'convert another system\'s dial plan to a rule file; --verify proves they agree' },
  export: { load: async () => (await import('./export.js')).exportCommand, summary: 'write a rule file in another system\'s language; --verify proves they agree' },
  playground: { load: async () => (await import('./playground.js')).playgroundCommand, summary: 'serve the rule-authoring page (edit, test, explain) on 127.0.0.1' },
};

/** The top-level help. */
export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `Usage: dialplan <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Run "dialplan <command> --help" for a command's options.
`;
}

/**
 * Runs the CLI with the given arguments and streams; resolves to the exit code. Never rejects: every failure becomes a
 * message on standard error and an exit code, without a stack trace (unless DIALPLAN_DEBUG is set).
 *
 * @param argv - the arguments after `dialplan`
 * @param io - standard streams
 * @returns the exit code
 * @example
 * ```ts
 * await runCli(['query', '--json', '6929'], nodeIo());
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...after] = argv;
  // `dialplan help query` is `dialplan query --help`, as in git and npm.
  const [name, ...rest] = first === 'help' && after.length > 0 ? [after[0] as string, '--help'] : [first, ...after];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${await version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`dialplan: unknown command "${name}".\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  try {
    const run = await command.load();
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`dialplan ${name}: ${e.message}\nRun "dialplan ${name} --help" for usage.\n`);
      return EXIT.usage;
    }
    if (e instanceof DialPlanError) {
      io.stderr.write(`dialplan ${name}: ${e.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`dialplan ${name}: unexpected failure: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env['DIALPLAN_DEBUG']) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return EXIT.failed;
  }
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The real process's streams. */
export function nodeIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, stderrIsTty: process.stderr.isTTY === true, cwd: process.cwd() };
}

function isMain(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // A closed pipe (`dialplan query ... | head`) ends the command quietly. Any other output failure (a full disk) is a
  // failure at run time: a one-line message and exit 1, not an uncaught exception with a stack.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
    process.stderr.write(`dialplan: cannot write standard output: ${e.code ?? e.message}\n`);
    process.exit(EXIT.failed);
  });
  // A closed standard error (`dialplan ... 2>&1 | head -1`) drops the messages; the exit code stays the command's.
  process.stderr.on('error', () => {});
  runCli(process.argv.slice(2), nodeIo()).then((code) => {
    process.exitCode = code;
  });
}
