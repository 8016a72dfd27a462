// dialplan batch as users run it: the built CLI in a child process, over real files in a temporary folder.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { quoteCsvCell } from '../../../src/node/batch/csv.js';
import { runCli } from '../../../src/node/cli/main.js';
import { DEFAULT_RULES_PATH, loadDefaultDialPlan } from '../../../src/node/files.js';

const CLI = new URL('../../../dist/node/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dialplan-batch-'));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const run = (args: string[], input?: string | Buffer) =>
  spawnSync(process.execPath, [CLI, 'batch', ...args], { encoding: 'utf8', ...(input !== undefined ? { input } : {}), maxBuffer: 1 << 28 });
const plan = loadDefaultDialPlan();
const ndjson = (out: string) => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
const expected = (raw: string) => {
  const r = plan.query(raw);
  return r.ok ? r.details : { rawText: raw, error: r.error };
};
const LONG = '3'.repeat(300);

describe('dialplan batch', () => {
  it('lines: BOM, CRLF, empty lines and a row over 256 characters each give one row, in order', () => {
    const lines = ['317 555 1234', '', '6929', LONG, '1-800-FLOWERS', '   '];
    const r = run([file('numbers.txt', '\ufeff' + lines.join('\r\n'))]);
    expect(r.status).toBe(0);
    const rows = ndjson(r.stdout);
    expect(rows).toHaveLength(lines.length);
    rows.forEach((o, i) => {
      const { row, ...rest } = o;
      expect(row).toBe(i + 1);
      expect(rest).toEqual(expected(lines[i] as string));
    });
    expect(rows.map((o) => (o['error'] as { code: string } | undefined)?.code)).toEqual([undefined, 'EMPTY', undefined, 'TOO_LONG', undefined, 'EMPTY']);
    expect(r.stderr).toContain('6 rows read, 6 written (3 resolved, 3 errors)');
    expect(r.stderr).toMatch(/by error: EMPTY 2, TOO_LONG 1/);
    // Standard error is not a terminal here: the summary only, no progress line and no terminal control characters.
    expect(r.stderr).not.toMatch(/[\r\x1b]/);
    expect(r.stderr.split('\n')[0]).toMatch(/^dialplan batch: 6 rows read/);
  });

  it('--strict exits 1 when a row has an error, 0 when none has', () => {
    expect(run(['--strict', file('bad.txt', '6929\n\n')]).status).toBe(1);
    expect(run(['--strict', file('good.txt', '6929\n911\n')]).status).toBe(0);
  });

  it('CSV: quoted commas and newlines, carried columns, a malformed row and a blank line, CSV output with --fields', () => {
    const csv = 'id,name,phone\r\n1,"Doe, J.","317 555\n1234"\r\n2,"say ""hi""",6929\r\n3,x\r\n\r\n4,y,"911"\r\n';
    const r = run([file('contacts.csv', csv), '--column', 'phone', '--format', 'csv', '--fields', 'normalizedText,classifications']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\r\n').join('\n').split('\n').filter((l) => l !== '')).toEqual([
      'row,id,name,normalizedText,classifications,errorCode,errorMessage',
      '1,1,"Doe, J.",+13175551234,Local,,',
      '2,2,"say ""hi""",/6929,Intercom,,',
      '3,3,x,,,MALFORMED_CSV,"the row has 2 fields, the header 3"',
      '4,,,,,EMPTY,Nothing dialable is left after preparing the input.',
      '5,4,y,911,Emergency,,',
    ]);
    const j = run([file('contacts2.csv', csv), '--column', '3']);
    const rows = ndjson(j.stdout);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ row: 1, columns: { id: '1', name: 'Doe, J.' }, ...expected('317 555\n1234') });
  });

  it('reads gzip files and gzip on standard input, whatever the name', () => {
    const lines = '6929\n317 555 1234\n';
    const plain = run([file('n.txt', lines)]).stdout;
    expect(run([file('n.txt.gz', gzipSync(lines))]).stdout).toBe(plain);
    expect(run([file('n.dat', gzipSync(lines))]).stdout).toBe(plain);
    expect(run(['-'], gzipSync(lines)).stdout).toBe(plain);
    expect(run([file('c.csv.gz', gzipSync('phone\n6929\n317 555 1234\n'))]).stdout).toBe(plain);
  });

  it('--workers 2 and auto give the same bytes as 1 worker; --out and --summary-json write files', () => {
    const n = 20000;
    const lines = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? '' : i % 3 === 0 ? String(6000 + (i % 1000)) : `(317) 555-${String(i % 10000).padStart(4, '0')}`));
    const input = file('many.txt', lines.join('\n'));
    const one = run([input]);
    const two = run([input, '--workers', '2']);
    const auto = run([input, '-w', 'auto', '--out', join(dir, 'out.ndjson'), '--summary-json', join(dir, 'summary.json')]);
    expect(one.status).toBe(0);
    expect(ndjson(one.stdout)).toHaveLength(n);
    expect(two.stdout).toBe(one.stdout);
    expect(auto.stdout).toBe('');
    expect(readFileSync(join(dir, 'out.ndjson'), 'utf8')).toBe(one.stdout);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ rowsRead: n, rowsWritten: n, rowsFailed: Math.ceil(n / 11), byError: { EMPTY: Math.ceil(n / 11) } });
  });

  it('bad arguments and bad rules exit 2 with a message and no stack trace', () => {
    const txt = file('a.txt', '6929\n');
    const bad = file('bad.yaml', 'name: [\n');
    for (const args of [
      [txt, '--format', 'xml'],
      [txt, '--in', 'json'],
      [txt, '--column', 'phone'],
      [txt, '--fields', 'normalizedText,phone'],
      [txt, '--workers', '0'],
      [txt, '--bogus'],
      [join(dir, 'missing.txt')],
      [txt, '--rules', bad],
      [txt, '--location', 'Mars'],
      [dir],
      [txt, '--out', join(dir, 'no-such-dir', 'out.ndjson')],
      [file('a.csv', 'id,phone\n1,6929\n'), '--column', 'fax'],
    ]) {
      const r = run(args);
      expect(r.status, args.join(' ') + r.stderr).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/dialplan/);
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });

  it('ends quietly when the output closes early (| head)', async () => {
    const input = file('big.txt', '317 555 1234\n'.repeat(300000));
    const child = spawn(process.execPath, [CLI, 'batch', input, '--workers', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    // The first output, or the end if the command fails before writing any.
    await Promise.race([new Promise<void>((resolve) => child.stdout.once('data', () => resolve())), closed]);
    child.stdout.destroy();
    const code = await closed;
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/Error|\n\s+at /);
  });

  it('bytes that are not UTF-8 make an INVALID_ENCODING row, in lines and CSV, plain and gzip, never a repaired number', () => {
    const lines = Buffer.concat([Buffer.from('6929\n555'), Buffer.from([0xff]), Buffer.from('1234\n317 555 1234\n')]);
    const csv = Buffer.concat([Buffer.from('id,name,phone\n1,ok,6929\n2,Jos'), Buffer.from([0xe9]), Buffer.from(',911\n3,x,555'), Buffer.from([0xc3, 0x28]), Buffer.from('1234\n')]);
    for (const [name, content, args] of [
      ['bad.txt', lines, []],
      ['bad.txt.gz', gzipSync(lines), []],
      ['bad.csv', csv, ['--column', 'phone']],
      ['bad.csv.gz', gzipSync(csv), ['--column', 'phone']],
    ] as const) {
      const r = run([file(name, content), ...args]);
      expect(r.status, name).toBe(0);
      const rows = ndjson(r.stdout);
      expect(rows, name).toHaveLength(3);
      const codes = rows.map((o) => (o['error'] as { code: string } | undefined)?.code);
      expect(codes, name).toEqual(name.includes('csv') ? [undefined, 'INVALID_ENCODING', 'INVALID_ENCODING'] : [undefined, 'INVALID_ENCODING', undefined]);
      expect(r.stderr, name).toContain('INVALID_ENCODING');
    }
    const row = ndjson(run([file('bad2.txt', lines)]).stdout)[1];
    expect(row).toEqual({
      row: 2,
      rawText: '555\ufffd1234',
      error: { code: 'INVALID_ENCODING', message: 'The line is not valid UTF-8: byte 0xFF at character 4.' },
    });
    const csvRow = ndjson(run([file('bad2.csv', csv), '--column', 'phone']).stdout)[1];
    expect(csvRow).toMatchObject({ row: 2, columns: { id: '2', name: 'Jos\ufffd' }, rawText: '911', error: { code: 'INVALID_ENCODING' } });
  });

  it('CSV separators: ; tab and | detected from the header line, or given with --delimiter; output stays comma-separated', () => {
    const rows = [
      ['id', 'name', 'phone'],
      ['1', 'Doe, J.', '317 555 1234'],
      ['2', 'Roe', '6929'],
    ];
    const comma = run([file('sep-comma.csv', rows.map((r) => r.map(quoteCsvCell).join(',')).join('\n') + '\n'), '--column', 'phone', '--format', 'csv']);
    expect(comma.status).toBe(0);
    for (const [sep, word] of [[';', ';'], ['\t', 'tab'], ['|', '|']] as const) {
      const text = rows.map((r) => r.join(sep)).join('\r\n') + '\r\n';
      const detected = run([file(`sep-${word}.csv`, text), '--column', 'phone', '--format', 'csv']);
      expect(detected.stdout, word).toBe(comma.stdout);
      const given = run([file(`sep-${word}.txt`, text), '--in', 'csv', '--delimiter', word, '--column', 'phone', '--format', 'csv']);
      expect(given.stdout, word).toBe(comma.stdout);
    }
    expect(run([file('sep-tab2.csv', 'id\tphone\n1\t6929\n'), '--delimiter', '\\t', '--column', 'phone']).status).toBe(0);
    expect(run([file('sep-bad.csv', 'id,phone\n'), '--delimiter', ':']).status).toBe(2);
    expect(run([file('sep-lines.txt', '6929\n'), '--delimiter', ';']).status).toBe(2);
  });

  it('a CSV record over 1 MiB is exactly one MALFORMED_CSV row; the rows after it keep their numbers', () => {
    const long = '3'.repeat((1 << 20) + 10);
    const r = run([file('long.csv', `id,phone\n1,6929\n2,${long}\n3,"${long}"\n4,911\n`), '--column', 'phone', '--fields', 'normalizedText']);
    const rows = ndjson(r.stdout);
    expect(rows.map((o) => o['row'])).toEqual([1, 2, 3, 4]);
    expect(rows.map((o) => (o['error'] as { code: string } | undefined)?.code)).toEqual([undefined, 'MALFORMED_CSV', 'MALFORMED_CSV', undefined]);
    expect(rows[3]).toMatchObject({ columns: { id: '4' }, normalizedText: '911' });
  });

  it('draws a progress line on a terminal and clears it before the summary', async () => {
    let err = '';
    let out = '';
    const stdin = Readable.from(
      (async function* () {
        yield Buffer.from('6929\n');
        await new Promise((r) => setTimeout(r, 700));
        yield Buffer.from('911\n');
      })(),
    );
    const code = await runCli(['batch', '-'], { stdout: { write: (c: string) => (out += c) }, stderr: { write: (c: string) => (err += c) }, stdin, stderrIsTty: true, cwd: dir });
    expect(code).toBe(0);
    expect(ndjson(out)).toHaveLength(2);
    expect(err).toMatch(/^\r1 rows {2}\d+ rows\/s\x1b\[K/);
    expect(err).toContain('\r\x1b[Kdialplan batch: 2 rows read');
  });
});

describe('dialplan batch --row-offset', () => {
  it('a value past the safe integers says what the range is (it said "a whole number", which it was), exit 2', async () => {
    let err = '';
    const code = await runCli(['batch', '--row-offset', '99999999999999999999', file('offset.txt', '6929\n')], {
      stdout: { write: () => true },
      stderr: { write: (c: string) => (err += c) },
      stdin: Readable.from([]),
      stderrIsTty: false,
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(err).toContain(`--row-offset must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, not "99999999999999999999".`);
  });
});

describe('dialplan batch: CSV input without a header line', () => {
  const cli = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(['batch', ...args], {
      stdout: { write: (c: string) => (out += c) },
      stderr: { write: (c: string) => (err += c) },
      stdin: Readable.from([]),
      stderrIsTty: false,
      cwd: dir,
    });
    return { code, out, err };
  };

  it('says so when the header it takes looks like a number (the first number is not a row), and not for a real header', async () => {
    const bare = await cli([file('bare.csv', '(317) 555-1234\n911\n6929\n')]);
    expect(bare.code).toBe(0);
    expect(ndjson(bare.out)).toHaveLength(2);
    expect(bare.err).toContain(
      'dialplan batch: the CSV header\'s number column is "(317) 555-1234", which looks like a number: the first record of CSV input is its header, not a row (a file of numbers without a header: --in lines).\n',
    );
    const named = await cli([file('named.csv', 'id,phone,year\n1,911,2024\n'), '--column', 'phone']);
    expect(named.err).not.toContain('looks like a number');
    const byIndex = await cli([file('indexed.csv', 'name,+44 20 7946 0958\nx,911\n'), '--column', '2']);
    expect(byIndex.err).toContain('"+44 20 7946 0958", which looks like a number');
  });
});

describe('dialplan batch --summary-json', () => {
  it('a folder, or a name in a folder that does not exist, is refused before the run (exit 2, no output), not after it', async () => {
    for (const [target, why] of [
      [dir, 'it is a directory'],
      [join(dir, 'missing', 'summary.json'), `no folder ${join(dir, 'missing')}`],
    ] as const) {
      let out = '';
      let err = '';
      const code = await runCli(['batch', file('summary-in.txt', '6929\n'), '--summary-json', target], {
        stdout: { write: (c: string) => (out += c) },
        stderr: { write: (c: string) => (err += c) },
        stdin: Readable.from([]),
        stderrIsTty: false,
        cwd: dir,
      });
      expect(code, target).toBe(2);
      expect(out).toBe('');
      expect(err).toContain(`Cannot write --summary-json ${target}: ${why}.`);
    }
  });
});

describe('dialplan batch: outputs that would replace the rule file or each other', () => {
  it('--out or --summary-json naming the --rules file (also through a link), or --summary-json naming --out, is exit 2 before anything is written', async () => {
    const rules = file('site-rules.yaml', readFileSync(DEFAULT_RULES_PATH, 'utf8'));
    symlinkSync(rules, join(dir, 'site-link.yaml'));
    const cases: [string[], string][] = [
      [['--out', rules], `--out ${rules} is the rule file (--rules) itself, which would be replaced by the batch output`],
      [['--out', join(dir, 'site-link.yaml')], 'is the rule file (--rules) itself'],
      [['--summary-json', rules], `--summary-json ${rules} is the rule file (--rules) itself, which would be replaced by the summary`],
      [['--out', join(dir, 'same.out'), '--summary-json', join(dir, 'same.out')], 'is the --out file too'],
    ];
    for (const [args, message] of cases) {
      let out = '';
      let err = '';
      const code = await runCli(['batch', file('rules-in.txt', '6929\n'), '--rules', rules, ...args], {
        stdout: { write: (c: string) => (out += c) },
        stderr: { write: (c: string) => (err += c) },
        stdin: Readable.from([]),
        stderrIsTty: false,
        cwd: dir,
      });
      expect(code, args.join(' ')).toBe(2);
      expect(err).toContain(message);
      expect(out).toBe('');
      expect(readFileSync(rules, 'utf8')).toBe(readFileSync(DEFAULT_RULES_PATH, 'utf8'));
    }
  });
});
