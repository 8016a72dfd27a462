// `dialplan help COMMAND` answers as `dialplan COMMAND --help` (as git and npm do); `help` alone is the main help.
import { describe, expect, it } from 'vitest';
import type { CliRun } from './in-process.js';
import { runCliCaptured } from './in-process.js';
import { COMMANDS, mainHelp } from '../../../src/node/cli/main.js';

const cli = (...argv: string[]): Promise<CliRun> => runCliCaptured(argv, process.cwd());

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
