// The CLI run in the test's own process, its output captured: faster than a child process, and the tests see what a
// user would (standard output, standard error, the exit code).
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/node/cli/main.js';

/** What one run of the CLI gave. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `dialplan ARGV...` in this process, in `cwd`, with an empty standard input and standard error not a terminal.
 *
 * @param argv - the arguments after `dialplan`
 * @param cwd - the folder relative paths are read from
 * @returns the exit code and everything written to standard output and standard error
 */
export async function runCliCaptured(argv: readonly string[], cwd: string): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli([...argv], {
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    stdin: new PassThrough(),
    stderrIsTty: false,
    cwd,
  });
  return { code, out, err };
}
