// `dialplan help COMMAND` answers as `dialplan COMMAND --help` (as git and npm do); `help` alone is the main help.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COMMANDS, mainHelp, runCli } from '../../../src/node/cli/main.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    stdin: new PassThrough(),
    stderrIsTty: false,
    cwd: process.cwd(),
  });
  return { code, out, err };
}

describe('dialplan help', () => {
  it('alone prints the main help, exit 0', async () => {
    expect(await cli('help')).toEqual({ code: 0, out: mainHelp(), err: '' });
  });

  for (const name of Object.keys(COMMANDS)) {
    it(`help ${name} prints what ${name} --help prints, exit 0`, async () => {
      const help = await cli(name, '--help');
      expect(help.code).toBe(0);
      expect(help.out).toMatch(new RegExp(`^Usage: dialplan ${name}\\b`));
      expect(await cli('help', name)).toEqual(help);
    });
  }

  it('help of an unknown command is an unknown command, exit 2', async () => {
    const r = await cli('help', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command "nope"');
  });
});
