// Exit codes of every command, run as users run them (the built CLI in a child process) and checked against the one
// table of docs/cli.md: each case names the phrase of the table cell (command, code) that promises it, so the table and
// the CLI cannot drift apart, and every cell of the table is exercised by some case.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../../dist/node/cli/main.js', import.meta.url));
const DOC = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
const LINT_FIXTURES = fileURLToPath(new URL('../../fixtures/lint/', import.meta.url));
const MIGRATION = fileURLToPath(new URL('../../fixtures/migration/', import.meta.url));
// Commands whose rows are another change's business (the lead adds `compile` with its own row).
const NOT_YET_IN_TABLE = new Set<string>([]);

/** The exit-code table of docs/cli.md: the row name (`any` or the command) to its cells for codes 0, 1 and 2. */
function exitTable(): Map<string, readonly [string, string, string]> {
  const section = DOC.split(/^## /m).find((s) => s.startsWith('Exit codes\n')) ?? '';
  const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| command') && !l.startsWith('| ---'));
  return new Map(
    rows.map((l) => {
      // Cells are split on unescaped pipes; `\|` inside a cell is a literal pipe.
      const cells = l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replaceAll('\\|', '|'));
      return [cells[0]?.replaceAll('`', '') ?? '', [cells[1] ?? '', cells[2] ?? '', cells[3] ?? '']] as const;
    }),
  );
}
const TABLE = exitTable();

const dir = mkdtempSync(join(tmpdir(), 'dialplan-exit-'));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const PLAN = 'name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "Z", classification: A }\n';
// compile --out naming its own FILE: a file of its own, which a failure would overwrite.
const self = file('self.yaml', 'name: x\nclassifications: [A]\ndialPlan: [{ name: a, match: X, classification: A }]\n');
const selfJson = file('self.json', readFileSync(join(MIGRATION, 'teams-small.json')));
const good = file('good.yaml', `${PLAN}tests:\n  - { input: "42", expect: { defaultClassification: A } }\n`);
const failing = file('failing.yaml', `${PLAN}tests:\n  - { input: "42", expect: { displayText: "not this" } }\n`);
// Loads as YAML but not as a plan: a Z pattern before the end, an undeclared classification.
const bad = file('bad.yaml', 'name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "Z1", classification: B }\n');
const notUtf8 = file('not-utf8.yaml', Buffer.from('name: x\xff\n', 'latin1'));
const missing = join(dir, 'nope.yaml');
const unreachable = join(LINT_FIXTURES, 'unreachable-yes.yaml');
const shadowed = join(LINT_FIXTURES, 'shadowed-yes.yaml');
const numbers = file('numbers.txt', '6929\n\n317 555 1234\n');
// Sixty entries with their own normalized texts: more rules than a Teams dial plan takes.
const tooManyRules = file('too-many.yaml', `name: big\nclassifications: [A]\ndialPlan:\n${Array.from({ length: 60 }, (_, i) => `  - { name: n${i}, match: "${1000 + i}", classification: A, normalized: "+1317555${1000 + i}" }`).join('\n')}\n`);
// A normalized text from libphonenumber-js, which a Teams translation cannot compute.
const notExportable = file('e164.yaml', 'name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "+Z", classification: A, normalized: "{e164}" }\n');
const contacts = file('contacts.csv', 'id,phone\n1,6929\n');
const truncatedGzip = file('numbers.txt.gz', gzipSync(Array.from({ length: 20_000 }, (_, i) => String(i)).join('\n')).subarray(0, 20_000));
const notUsers = file('not-users.json', 'not json');
const users = join(dir, 'users.json');
const noDir = join(dir, 'no-such-dir', 'out.txt');
const HAS_DEV_FULL = existsSync('/dev/full');
// A port held by this process, for serve's "cannot listen" (the child's bind fails while the test waits for it).
const busy = createServer();
await new Promise<void>((res) => busy.listen(0, '127.0.0.1', res));
const busyPort = String((busy.address() as AddressInfo).port);
afterAll(() => void busy.close());

interface Case {
  /** The arguments after `dialplan`. */
  readonly args: readonly string[];
  readonly code: 0 | 1 | 2;
  /** A phrase of the table cell that promises this code (row: the command, or `row` when given). */
  readonly doc: string;
  readonly row?: string;
  /** Standard output goes to /dev/full (a full disk). */
  readonly fullStdout?: boolean;
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string;
}

const CASES: readonly Case[] = [
  { row: 'any', args: ['--help'], code: 0, doc: '`--help`' },
  { row: 'any', args: ['query', '--help'], code: 0, doc: '`--help`' },
  { row: 'any', args: ['--version'], code: 0, doc: '`--version`' },
  { row: 'any', args: [], code: 2, doc: 'no command' },
  { row: 'any', args: ['frobnicate'], code: 2, doc: 'an unknown command' },
  { row: 'any', args: ['query', '--nope', '1'], code: 2, doc: 'an unknown option' },
  { row: 'any', args: ['test', '--nope', good], code: 2, doc: 'an unknown option' },
  { row: 'any', args: ['lint', '--nope', good], code: 2, doc: 'an unknown option' },
  { row: 'any', args: ['batch', '--nope', numbers], code: 2, doc: 'an unknown option' },
  { row: 'any', args: ['serve', '--nope'], code: 2, doc: 'an unknown option' },
  { row: 'any', args: ['init', '--nope'], code: 2, doc: 'an unknown option' },
  ...(HAS_DEV_FULL
    ? [
        { row: 'any', args: ['query', '6929'], code: 1, doc: 'standard output cannot be written', fullStdout: true },
        { row: 'any', args: ['lint', shadowed], code: 1, doc: 'standard output cannot be written', fullStdout: true },
      ] satisfies Case[]
    : []),

  { args: ['query', '8004562354', '6929'], code: 0, doc: 'every NUMBER resolved' },
  { args: ['query', '--rules', good, '42'], code: 0, doc: 'every NUMBER resolved' },
  { args: ['query', '6929', '()'], code: 1, doc: 'some NUMBER was rejected' },
  { args: ['query', '3'.repeat(300)], code: 1, doc: 'some NUMBER was rejected' },
  { args: ['query'], code: 2, doc: 'no NUMBER' },
  { args: ['query', '--rules', missing, '1'], code: 2, doc: 'a `--rules` file that does not exist' },
  { args: ['query', '--rules', dir, '1'], code: 2, doc: 'a `--rules` file that does not exist' },
  { args: ['query', '--rules', bad, '1'], code: 2, doc: 'does not load' },
  { args: ['query', '--rules', notUtf8, '1'], code: 2, doc: 'does not load' },
  { args: ['query', '--location', 'mars', '1'], code: 2, doc: 'an unknown `--location`' },

  { args: ['explain', '6929'], code: 0, doc: 'every NUMBER resolved' },
  { args: ['explain', '--json', '6929', ''], code: 1, doc: 'some NUMBER was rejected' },
  { args: ['explain'], code: 2, doc: 'no NUMBER' },
  { args: ['explain', '--rules', missing, '1'], code: 2, doc: 'a `--rules` file that does not exist' },
  { args: ['explain', '--rules', bad, '1'], code: 2, doc: 'does not load' },
  { args: ['explain', '--location', 'mars', '1'], code: 2, doc: 'an unknown `--location`' },

  { args: ['test', good], code: 0, doc: 'every inline test of every FILE passed' },
  { args: ['test', file('no-tests.yaml', PLAN)], code: 0, doc: 'or it has none' },
  { args: ['test', good, failing], code: 1, doc: 'some inline test failed' },
  { args: ['test', '--json', failing], code: 1, doc: 'some inline test failed' },
  { args: ['test'], code: 2, doc: 'no FILE' },
  { args: ['test', missing], code: 2, doc: 'a FILE that does not exist' },
  { args: ['test', dir], code: 2, doc: 'a FILE that does not exist' },
  { args: ['test', bad], code: 2, doc: 'does not load' },
  { args: ['test', '--json', bad], code: 2, doc: 'does not load' },
  { args: ['test', notUtf8], code: 2, doc: 'does not load' },
  // Both kinds of failure in one run: 2 wins.
  { args: ['test', failing, missing], code: 2, doc: 'a FILE that does not exist' },
  { args: ['test', '--location', 'mars', good], code: 2, doc: 'an unknown `--location`' },

  { args: ['lint', good], code: 0, doc: 'no FILE has errors' },
  { args: ['lint', '--json', shadowed], code: 0, doc: 'warnings allowed' },
  { args: ['lint', unreachable], code: 1, doc: 'some FILE has lint errors' },
  { args: ['lint', '--json', good, unreachable], code: 1, doc: 'some FILE has lint errors' },
  { args: ['lint'], code: 2, doc: 'no FILE' },
  { args: ['lint', missing], code: 2, doc: 'a FILE that does not exist' },
  { args: ['lint', bad], code: 2, doc: 'does not load' },
  { args: ['lint', '--json', bad], code: 2, doc: 'does not load' },
  { args: ['lint', unreachable, missing], code: 2, doc: 'a FILE that does not exist' },
  // good.yaml calls every number A, which stands for no type of libphonenumber-js: 0 % agreement.
  { args: ['lint', '--cross-check', '--sample', '1', good], code: 1, doc: 'some classification agrees on less than `--min-agreement`' },
  { args: ['lint', '--cross-check', '--sample', '1', '--min-agreement', '0', good], code: 0, doc: 'no FILE has errors' },
  { args: ['lint', '--cross-check', '--sample', '0', good], code: 2, doc: 'a bad `--country`, `--sample`, `--seed` or `--min-agreement`' },
  { args: ['lint', '--cross-check', '--country', 'XX', good], code: 2, doc: 'a bad `--country`' },
  { args: ['lint', '--min-agreement', '50', good], code: 2, doc: 'or one of them without `--cross-check`' },

  { args: ['compile', good, '--out', join(dir, 'good.json')], code: 0, doc: 'the precompiled plan was printed or written' },
  { args: ['compile', good], code: 0, doc: 'the precompiled plan was printed or written' },
  { args: ['compile', good, '--out', noDir], code: 1, doc: 'writing the `--out` file failed' },
  { args: ['compile'], code: 2, doc: 'no FILE' },
  { args: ['compile', good, failing], code: 2, doc: 'more than one FILE' },
  { args: ['compile', missing], code: 2, doc: 'a FILE that does not exist' },
  { args: ['compile', bad], code: 2, doc: 'does not load' },
  { args: ['compile', self, '--out', self], code: 2, doc: '`--out` naming the FILE' },
  { args: ['import', '--from', 'teams', join(MIGRATION, 'teams-tenant.json')], code: 0, doc: 'the plan was printed or written, every rule converted' },
  { args: ['import', '--from', 'teams', join(MIGRATION, 'teams-rules.csv'), '--out', join(dir, 'teams.yaml'), '--verify'], code: 0, doc: 'with `--verify`, every number agrees' },
  { args: ['import', '--from', 'teams', join(MIGRATION, 'teams-unsupported.json')], code: 1, doc: 'some rule could not be converted' },
  { args: ['import', '--from', 'teams', join(MIGRATION, 'teams-unsupported.json'), '--verify'], code: 1, doc: 'some number disagrees with `--verify`' },
  { args: ['import', '--from', 'teams', join(MIGRATION, 'teams-tenant.json'), '--out', noDir], code: 1, doc: 'writing the `--out` file failed' },
  { args: ['import', join(MIGRATION, 'teams-tenant.json')], code: 2, doc: 'no `--from`' },
  { args: ['import', '--from', 'teams', selfJson, '--out', selfJson], code: 2, doc: '`--out` naming the FILE' },
  { args: ['import', '--from', 'xml', join(MIGRATION, 'teams-tenant.json')], code: 2, doc: 'an unknown `--from` format' },
  { args: ['import', '--from', 'teams'], code: 2, doc: 'no FILE' },
  { args: ['import', '--from', 'teams', missing], code: 2, doc: 'a FILE that does not exist' },
  { args: ['import', '--from', 'teams', file('broken.json', '[{"Pattern": "^1$",')], code: 2, doc: 'cannot be read as the format' },
  { args: ['import', '--from', 'teams', notUtf8], code: 2, doc: 'cannot be read as the format' },
  { args: ['import', '--from', 'teams', join(MIGRATION, 'teams-tenant.json'), '--sample', '0'], code: 2, doc: 'a bad `--seed` or `--sample`' },
  { args: ['import', '--from', 'genesys-cloud', join(MIGRATION, 'genesys-sites.json'), '--verify'], code: 0, doc: 'with `--verify`, every number agrees' },
  { args: ['import', '--from', 'asterisk', join(MIGRATION, 'extensions.conf'), '--verify'], code: 0, doc: 'with `--verify`, every number agrees' },
  { args: ['import', '--from', 'cucm', join(MIGRATION, 'cucm-patterns.csv'), '--verify'], code: 0, doc: 'with `--verify`, every number agrees' },
  { args: ['import', '--from', 'cucm', file('no-patterns.csv', 'NAME,VALUE\nx,1\n')], code: 2, doc: 'cannot be read as the format' },
  { args: ['import', '--from', 'teams', join(MIGRATION, 'genesys-site.json')], code: 2, doc: 'cannot be read as the format' },
  { args: ['import', '--from', 'asterisk', join(MIGRATION, 'teams-small.json')], code: 2, doc: 'cannot be read as the format' },
  ...(existsSync('/dev/zero') ? [{ args: ['import', '--from', 'teams', '/dev/zero'], code: 2, doc: 'cannot be read as the format' }] satisfies Case[] : []),
  { args: ['export', '--to', 'genesys-cloud', good, '--verify'], code: 0, doc: 'with `--verify`, every number agrees' },
  { args: ['export', '--to', 'teams', self, '--out', self], code: 2, doc: '`--out` or `--ps1` naming the FILE' },
  { args: ['export', '--to', 'teams', self, '--ps1', self], code: 2, doc: '`--out` or `--ps1` naming the FILE' },
  { args: ['export', '--to', 'teams', good], code: 0, doc: 'the output was printed or written' },
  { args: ['export', '--to', 'teams', good, '--verify', '--out', join(dir, 'teams.json'), '--ps1', join(dir, 'teams.ps1')], code: 0, doc: 'with `--verify`, every number agrees' },
  { args: ['export', '--to', 'teams', tooManyRules], code: 1, doc: 'the plan needs more rules than the format allows' },
  { args: ['export', '--to', 'teams', notExportable], code: 1, doc: 'some entry cannot be written' },
  { args: ['export', '--to', 'teams', notExportable, '--verify'], code: 1, doc: 'some number disagrees with `--verify`' },
  { args: ['export', '--to', 'teams', good, '--out', noDir], code: 1, doc: 'writing the `--out` or `--ps1` file failed' },
  { args: ['export', good], code: 2, doc: 'no `--to`' },
  { args: ['export', '--to', 'xml', good], code: 2, doc: 'an unknown `--to` format' },
  { args: ['export', '--to', 'teams'], code: 2, doc: 'no FILE' },
  { args: ['export', '--to', 'teams', missing], code: 2, doc: 'a FILE that does not exist' },
  { args: ['export', '--to', 'teams', bad], code: 2, doc: 'does not load' },
  { args: ['export', '--to', 'teams', good, '--location', 'mars'], code: 2, doc: 'an unknown `--location`' },
  { args: ['export', '--to', 'teams', good, '--seed', 'abc'], code: 2, doc: 'a bad `--seed` or `--sample`' },
  { args: ['init', '--country', 'GB'], code: 0, doc: 'the plan was printed or written' },
  { args: ['init', '--country', 'DE', '--out', join(dir, 'de.yaml')], code: 0, doc: 'the plan was printed or written' },
  ...(HAS_DEV_FULL ? [{ args: ['init', '--country', 'GB', '--out', '/dev/full'], code: 1, doc: 'writing the `--out` file failed' }] satisfies Case[] : []),
  { args: ['init'], code: 2, doc: 'no `--country`' },
  { args: ['init', '--country', 'XX'], code: 2, doc: 'an unknown country' },
  { args: ['init', '--country', 'GB', '--area-code', 'abc'], code: 2, doc: 'a malformed `--area-code`' },
  { args: ['init', '--country', 'GB', '--area-code', '020'], code: 2, doc: 'with the national prefix in front' },
  { args: ['init', '--country', 'GB', 'gb.yaml'], code: 2, doc: 'a FILE argument' },
  { args: ['init', '--country', 'GB', '--out', noDir], code: 2, doc: 'an `--out` file that cannot be created' },

  { args: ['batch', numbers], code: 0, doc: 'rows with errors included' },
  { args: ['batch', '--strict', file('fine.txt', '6929\n911\n')], code: 0, doc: 'every row written' },
  { args: ['batch', '-'], code: 0, doc: 'every row written', input: '6929\n' },
  { args: ['batch', '--strict', numbers], code: 1, doc: 'some row had an error with `--strict`' },
  { args: ['batch', truncatedGzip], code: 1, doc: 'the input could not be read to its end' },
  { args: ['batch', join(dir, 'nope.txt')], code: 2, doc: 'a FILE that does not exist' },
  { args: ['batch', dir], code: 2, doc: 'is a directory' },
  { args: ['batch', '--rules', missing, numbers], code: 2, doc: 'a `--rules` file that does not exist' },
  { args: ['batch', '--rules', bad, numbers], code: 2, doc: 'does not load' },
  { args: ['batch', '--location', 'mars', numbers], code: 2, doc: 'an unknown `--location`' },
  { args: ['batch', '--in', 'xml', numbers], code: 2, doc: 'a bad `--in`' },
  { args: ['batch', '--format', 'xml', numbers], code: 2, doc: '`--format`' },
  { args: ['batch', '--fields', 'nope', numbers], code: 2, doc: '`--fields` value' },
  { args: ['batch', contacts, '--column', 'nope'], code: 2, doc: 'an unknown `--column`' },
  { args: ['batch', numbers, '--out', noDir], code: 2, doc: 'an `--out` file that cannot be created' },
  { args: ['batch', '--workers', '0', numbers], code: 2, doc: 'a bad `--workers`' },
  { args: ['batch', '--delimiter', 'x', contacts], code: 2, doc: '`--delimiter` or `--row-offset` value' },
  { args: ['batch', '--row-offset', '1.5', numbers], code: 2, doc: '`--row-offset` value' },
  { args: ['batch', '--column', '2', numbers], code: 2, doc: '`--column` or `--delimiter` with lines input' },
  { args: ['batch', '--delimiter', ';', numbers], code: 2, doc: '`--column` or `--delimiter` with lines input' },
  { args: ['batch', '--format', 'csv', '--header', '--no-header', numbers], code: 2, doc: 'both `--header` and `--no-header`' },
  { args: ['batch', numbers, '--out', numbers], code: 2, doc: '`--out` naming the input file' },
  ...(HAS_DEV_FULL ? [{ args: ['batch', numbers], code: 1, doc: 'the output could not be written (a full disk', fullStdout: true }] satisfies Case[] : []),

  { args: ['serve', '--sessions', users, '--add-user', 'alice'], code: 0, doc: '`--add-user` saved the user', env: { DIALPLAN_PASSWORD: 'pw' } },
  { args: ['serve', '--sessions', users, '--add-user', 'bob'], code: 0, doc: '`--add-user` saved the user', input: 'pw\n' },
  { args: ['serve', '--sessions', users, '--add-user', 'carol'], code: 2, doc: '`--add-user` with an empty password', input: '\n' },
  { args: ['serve', 'extra'], code: 2, doc: 'a FILE argument' },
  { args: ['serve', '--port', 'abc'], code: 2, doc: 'a bad `--port`' },
  { args: ['serve', '--port', '70000'], code: 2, doc: 'a bad `--port`' },
  { args: ['serve', '--idle-minutes', '0'], code: 2, doc: '`--idle-minutes`' },
  { args: ['serve', '--port', '0', '--sessions', users, '--rules', missing], code: 2, doc: 'a `--rules` file that does not exist' },
  { args: ['serve', '--port', '0', '--sessions', users, '--rules', bad], code: 2, doc: 'does not load' },
  { args: ['serve', '--port', '0', '--sessions', notUsers], code: 2, doc: 'a `--sessions` file that is not a users file' },
  { args: ['serve', '--port', '0', '--sessions', join(dir, 'no-users.json')], code: 2, doc: 'a `--sessions` file that does not exist' },
  { args: ['serve', '--port', '0', '--sessions', users, '--server-name', ''], code: 2, doc: 'an empty `--server-name`' },
  { args: ['serve', '--sessions', users, '--add-user', 'dave', '--display-name', ''], code: 2, doc: 'or `--display-name`', input: 'pw\n' },
  { args: ['serve', '--port', '0', '--sessions', users, '--display-name', 'Eve'], code: 2, doc: '`--display-name` without `--add-user`' },
  { args: ['serve', '--port', busyPort, '--sessions', users], code: 2, doc: 'cannot listen (the port is in use' },
  { args: ['playground', 'extra'], code: 2, doc: 'a FILE argument' },
  { args: ['playground', '--port', 'abc'], code: 2, doc: 'a bad `--port`' },
  { args: ['playground', '--rules', missing], code: 2, doc: 'a `--rules` file that does not exist' },
  { args: ['playground', '--rules', notUtf8], code: 2, doc: 'is not UTF-8 text' },
  { args: ['playground', '--port', busyPort], code: 2, doc: 'cannot listen (the port is in use' },
];

const cell = (c: Case): string => TABLE.get(c.row ?? c.args[0] ?? '')?.[c.code] ?? '';

describe('the exit-code table of docs/cli.md', () => {
  it('has a row for every command of `dialplan --help`, and for any command', () => {
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    const commands = [...help.stdout.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1] ?? '');
    expect(commands).toContain('query');
    expect([...TABLE.keys()].sort()).toEqual(['any', ...commands.filter((c) => !NOT_YET_IN_TABLE.has(c))].sort());
  });

  it('every promise of the table is exercised by some case below', () => {
    for (const [row, cells] of TABLE) {
      cells.forEach((text, code) => {
        if (text === '—') return;
        // Each promise of a cell is one `;`-separated item: a case must name a phrase of that item.
        for (const item of text.split(/;\s*/)) {
          // "an unexpected failure" cannot be caused from outside (it is a bug); a closed output pipe and serve stopped
          // by a signal are the asynchronous cases further down.
          // A playground page not built cannot happen in a built package (test/node/cli/playground.test.ts serves it).
          if (/unexpected failure|closed output pipe|stopped by SIGINT|page is not built/.test(item)) continue;
          const covered = CASES.some((c) => (c.row ?? c.args[0]) === row && c.code === code && item.includes(c.doc));
          expect(covered, `${row} exit ${code}: "${item}" has no case`).toBe(true);
        }
      });
    }
  });
});

describe.each(CASES.map((c) => [`dialplan ${c.args.map((a) => a.replace(dir, '$TMP')).join(' ')}${c.fullStdout ? ' >/dev/full' : ''}`, c] as const))(
  '%s',
  (_name, c) => {
    it(`exits ${c.code}, as the table says ("${c.doc}"), with a message and no stack trace`, () => {
      expect(cell(c), `docs/cli.md exit codes, row ${c.row ?? c.args[0]}, code ${c.code}`).toContain(c.doc);
      const out = c.fullStdout ? openSync('/dev/full', 'w') : 'pipe';
      try {
        const r = spawnSync(process.execPath, [CLI, ...c.args], {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['pipe', out, 'pipe'],
          input: c.input ?? '',
          env: { ...process.env, DIALPLAN_DEBUG: '', DIALPLAN_PASSWORD: undefined, ...c.env },
          timeout: 30_000,
          maxBuffer: 1 << 26,
        });
        expect(r.status, `stderr: ${r.stderr}`).toBe(c.code);
        expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n|unexpected failure/);
        // A failure says why on standard error (or, for test and lint, in what they print about each FILE).
        if (c.code !== 0) expect((r.stderr + (r.stdout ?? '')).trim()).not.toBe('');
      } finally {
        if (typeof out === 'number') closeSync(out);
      }
    });
  },
);

describe('the asynchronous cases', () => {
  it('a closed output pipe (dialplan query ... | head -c 10) exits 0, quietly', () => {
    expect(TABLE.get('any')?.[0]).toContain('a closed output pipe');
    const numbers = Array.from({ length: 3000 }, (_, i) => String(1000 + i));
    const r = spawnSync('bash', ['-c', '"$0" "$1" query "${@:2}" | head -c 10 >/dev/null; exit "${PIPESTATUS[0]}"', process.execPath, CLI, ...numbers], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('serve stopped by SIGTERM exits 0', async () => {
    expect(TABLE.get('serve')?.[0]).toContain('stopped by SIGINT or SIGTERM');
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--sessions', users], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    for (let i = 0; i < 200 && !/listening on/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
