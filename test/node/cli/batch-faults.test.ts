// dialplan batch under faults, as users meet them: a full disk (/dev/full), --out naming the input, an interrupted run,
// closed pipes on either stream, workers beyond the CPUs, a rules file changed during the run. The built CLI in a child
// process; every child has a timeout, so a hang fails the test instead of stalling it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/node/cli/main.js';

const CLI = new URL('../../../dist/node/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dialplan-batch-faults-'));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const BIG = file('big.txt', Array.from({ length: 60000 }, (_, i) => `(317) 555-${String(i % 10000).padStart(4, '0')}`).join('\n') + '\n');
const run = (args: string[], options: { input?: string | Buffer; stdout?: number | 'pipe' } = {}) =>
  spawnSync(process.execPath, [CLI, 'batch', ...args], {
    encoding: 'utf8',
    timeout: 30000,
    maxBuffer: 1 << 28,
    ...(options.input !== undefined ? { input: options.input } : {}),
    stdio: [options.input !== undefined ? 'pipe' : 'ignore', options.stdout ?? 'pipe', 'pipe'],
  });
const noStack = (stderr: string): void => expect(stderr).not.toMatch(/\n\s+at |Error:/);
const temporaries = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('dialplan batch: write errors', () => {
  // /dev/full fails every write with ENOSPC (Linux).
  const full = existsSync('/dev/full');
  for (const workers of ['1', '2']) {
    it.skipIf(!full)(`a full disk on standard output with ${workers} worker(s): exit 1, one line and the summary, no hang`, () => {
      const fd = openSync('/dev/full', 'w');
      try {
        const r = run([BIG, '--workers', workers], { stdout: fd });
        expect(r.error).toBeUndefined(); // no timeout
        expect(r.status).toBe(1);
        const lines = r.stderr.split('\n');
        expect(lines[0]).toMatch(/^dialplan batch: cannot write standard output: no space left on device \(ENOSPC\)$/);
        expect(lines[1]).toMatch(/^dialplan batch: \d+ rows read, 0 written/);
        noStack(r.stderr);
      } finally {
        closeSync(fd);
      }
    });
    it.skipIf(!full)(`--out /dev/full with ${workers} worker(s): exit 1, one line and the summary, no hang`, () => {
      const r = run([BIG, '--workers', workers, '--out', '/dev/full']);
      expect(r.error).toBeUndefined();
      expect(r.status).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe('dialplan batch: cannot write /dev/full: no space left on device (ENOSPC)');
      expect(r.stderr).toMatch(/\d+ rows read, 0 written/);
      noStack(r.stderr);
    });
  }
});

describe('dialplan batch: standard output redirected to a file that fills up', () => {
  // A file size limit (ulimit -f) fails a write half-way through like a full disk: Node.js's synchronous stdout took the
  // short write for a whole one, and the summary counted 6058 rows written where the file held 1668 (4 MB: a batch or two).
  it.skipIf(spawnSync('sh', ['-c', 'ulimit -f 100']).status !== 0)('exit 1, and the rows written are the complete rows in the file', () => {
    for (const workers of ['1', '2']) {
      const out = join(dir, `limited-${workers}.ndjson`);
      const r = spawnSync('sh', ['-c', `ulimit -f 8000; exec "$0" "$1" batch "$2" --workers "$3" > "$4"`, process.execPath, CLI, BIG, workers, out], { encoding: 'utf8', timeout: 30000 });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe('dialplan batch: cannot write standard output: file too large (EFBIG)');
      const written = Number(/(\d+) written/.exec(r.stderr)?.[1]);
      const complete = readFileSync(out, 'utf8').split('\n').slice(0, -1);
      expect(complete.length).toBeGreaterThan(0);
      expect(written, `${workers} worker(s)`).toBeLessThanOrEqual(complete.length);
      if (written > 0) expect(JSON.parse(complete[written - 1] as string)).toMatchObject({ row: written });
      noStack(r.stderr);
    }
  });
});

describe('dialplan batch --out', () => {
  it('refuses the input file, directly or through a symbolic or hard link, before writing anything (exit 2)', () => {
    const content = '6929\n911\n';
    const input = file('same.txt', content);
    symlinkSync(input, join(dir, 'same-symlink.txt'));
    linkSync(input, join(dir, 'same-hardlink.txt'));
    for (const out of [input, join(dir, 'same-symlink.txt'), join(dir, 'same-hardlink.txt')]) {
      const r = run([input, '--out', out]);
      expect(r.status, out).toBe(2);
      expect(r.stderr).toContain('is the input file');
      expect(readFileSync(input, 'utf8')).toBe(content);
    }
    // Standard input redirected from the file is the same file too.
    const fd = openSync(input, 'r');
    try {
      const r = spawnSync(process.execPath, [CLI, 'batch', '-', '--out', input], { encoding: 'utf8', stdio: [fd, 'pipe', 'pipe'], timeout: 30000 });
      expect(r.status).toBe(2);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(input, 'utf8')).toBe(content);
  });

  it('a failed run leaves an earlier file of that name as it was, and no temporary file', () => {
    const out = file('kept.ndjson', 'earlier output\n');
    const whole = gzipSync(readFileSync(BIG));
    const corrupt = whole.subarray(0, whole.length >> 1);
    const r = run([file('corrupt.gz', corrupt), '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^dialplan batch: the input could not be read to its end/);
    // The temporary file went: the summary says nothing was written, and where the output stands.
    expect(r.stderr).toMatch(/\n.*\d+ rows read, 0 written \(0 resolved, 0 errors\)/);
    expect(r.stderr).toContain(`dialplan batch: ${out} left as it was, nothing of this run written to it.\n`);
    expect(readFileSync(out, 'utf8')).toBe('earlier output\n');
    expect(temporaries()).toEqual([]);
  });

  it('a successful run replaces the file whole, through a symbolic link too (the link stays)', () => {
    const target = file('target.ndjson', 'old\n');
    symlinkSync(target, join(dir, 'out-link.ndjson'));
    const r = run([file('two.txt', '6929\n911\n'), '--out', join(dir, 'out-link.ndjson')]);
    expect(r.status).toBe(0);
    expect(readFileSync(target, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    expect(temporaries()).toEqual([]);
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} during the run: exit ${code}, the earlier file kept, the temporary file removed`, async () => {
      const out = file(`signal-${signal}.ndjson`, 'earlier\n');
      // Standard input that never ends: the run is surely going on when the signal comes.
      const child = spawn(process.execPath, [CLI, 'batch', '-', '--out', out], { stdio: ['pipe', 'ignore', 'pipe'] });
      const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin.write('6929\n'.repeat(20000));
      const deadline = Date.now() + 20000;
      while (temporaries().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(temporaries()).toHaveLength(1);
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
      expect(await closed).toBe(code);
      clearTimeout(timer);
      expect(stderr).toBe(`dialplan batch: interrupted by ${signal}; ${out} left as it was, nothing of this run written to it.\n`);
      expect(readFileSync(out, 'utf8')).toBe('earlier\n');
      expect(temporaries()).toEqual([]);
    });
  }

  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)('writes a FIFO directly, and /dev/stdout', async () => {
    const fifo = join(dir, 'out.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const readerDone = new Promise((resolve) => reader.on('close', resolve));
    const r = run([file('fifo-in.txt', '6929\n911\n'), '--out', fifo]);
    await readerDone;
    expect(r.status).toBe(0);
    expect(got.split('\n').filter(Boolean)).toHaveLength(2);
    const s = run([file('stdout-in.txt', '6929\n'), '--out', '/dev/stdout']);
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ row: 1, normalizedText: '/6929' });
  });
});

describe('dialplan batch: a closed output ends quietly with exit 0', () => {
  const bash = spawnSync('bash', ['-c', 'true']).status === 0;
  it.skipIf(!bash)('batch nums.txt 2>&1 | head -1, 3 runs, 1 and 2 workers', () => {
    for (const workers of ['1', '2']) {
      for (let i = 0; i < 3; i++) {
        const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" batch "${BIG}" -w ${workers} 2>&1 | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', timeout: 30000 });
        expect(r.status, `run ${i + 1}, ${workers} worker(s)`).toBe(0);
        expect(r.stdout).toMatch(/^\{"row":1,/);
      }
    }
  });

  it.skipIf(!bash)('a closed standard error (the summary has nowhere to go) does not change the output or the exit code', () => {
    const out = join(dir, 'stderr-closed.ndjson');
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" batch "${BIG}" 2>&1 >"${out}" | true; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', timeout: 30000 });
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toHaveLength(60000);
  });

  it('progress drawn to a standard error that fails with EPIPE: every row still written, exit 0', async () => {
    let out = '';
    const stderr = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const stdin = Readable.from(
      (async function* () {
        yield Buffer.from('6929\n');
        await new Promise((r) => setTimeout(r, 600));
        yield Buffer.from('911\n');
      })(),
    );
    const code = await runCli(['batch', '-'], { stdout: { write: (c: string) => (out += c) }, stderr, stdin, stderrIsTty: true, cwd: dir });
    expect(code).toBe(0);
    expect(out.split('\n').filter(Boolean)).toHaveLength(2);
  });
});

describe('dialplan batch --workers', () => {
  it('accepts any positive integer, caps it at the CPUs with a one-line notice, and starts no more than the rows need', () => {
    const six = file('six.txt', '6929\n911\n317 555 1234\n\n1-800-FLOWERS\n+44 20 7946 0958\n');
    const one = run([six]);
    const started = Date.now();
    const r = run([six, '--workers', '1000']);
    const elapsed = Date.now() - started;
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(one.stdout);
    const cpus = availableParallelism();
    const notice = r.stderr.split('\n').filter((l) => l.includes('--workers'));
    expect(notice).toEqual([`dialplan batch: --workers 1000 is more than the ${cpus} CPU${cpus === 1 ? '' : 's'} available; using ${cpus}.`]);
    // One batch: one worker thread at most, whatever was asked (50 threads took seconds and 600 MB).
    expect(elapsed).toBeLessThan(5000);
    expect(run([six, '--workers', '50']).stdout).toBe(one.stdout);
    for (const bad of ['0', '-1', '1.5', 'many', '']) expect(run([six, '--workers', bad]).status, bad).toBe(2);
  });
});

describe('dialplan batch: workers use the plan the main thread checked', () => {
  it('a rules file replaced during the run changes nothing: the workers compile the text that was loaded', async () => {
    const rules = file('site.yaml', readFileSync(new URL('../../../rules/default.yaml', import.meta.url), 'utf8'));
    const rows = Array.from({ length: 40000 }, (_, i) => (i % 5 === 0 ? String(6000 + (i % 900)) : `317 555 ${String(i % 10000).padStart(4, '0')}`));
    const expected = run([file('changed-in.txt', rows.join('\n') + '\n'), '--rules', rules]).stdout;
    const child = spawn(process.execPath, [CLI, 'batch', '-', '--rules', rules, '--workers', '2'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.stdin.write(rows.slice(0, 100).join('\n') + '\n');
    while (out === '' && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    // The main thread has loaded and checked the plan; now the file becomes a plan that does not load.
    writeFileSync(rules, 'name: [\n');
    child.stdin.end(rows.slice(100).join('\n') + '\n');
    const code = await closed;
    clearTimeout(timer);
    expect(err).not.toMatch(/cannot load/);
    expect(code).toBe(0);
    expect(out).toBe(expected);
  });
});

describe('dialplan batch --rules that is no rule file', () => {
  it('a device (/dev/zero) is TOO_LARGE at once, exit 2, as for every command: reading stops at the limit', () => {
    const r = run([file('six.txt', '3175551234\n'), '--rules', '/dev/zero']);
    expect(r.error).toBeUndefined(); // no timeout
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('/dev/zero:1:1: error TOO_LARGE');
    noStack(r.stderr);
  });
});
