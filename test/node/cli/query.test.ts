// The query command, run as users run it: the built CLI in a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../../../dist/node/cli/main.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('dialplan query', () => {
  it('runs as the README quick start says: npx dialplan query 8004562354 (the built bin is executable)', () => {
    const root = new URL('../../../', import.meta.url).pathname;
    const r = spawnSync('npx', ['--no-install', 'dialplan', 'query', '8004562354'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('displayText            (Toll Free) 1 (800) 456-2354');
  });

  it('also runs from its place before the move to dist/node/cli/ (npx keeps the bin links it made then)', () => {
    const old = new URL('../../../dist/cli/main.js', import.meta.url).pathname;
    const direct = spawnSync(old, ['query', '--json', '6929'], { encoding: 'utf8' });
    expect(direct.stderr).toBe('');
    expect(direct.status).toBe(0);
    expect(direct.stdout).toBe(run('query', '--json', '6929').stdout);
    expect(JSON.parse(direct.stdout).queueName).toBe('User Queue:jdoe');
  });

  it('prints a readable block with the bundled default plan (the README quick start)', () => {
    const r = run('query', '8004562354');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('normalizedText         +18004562354');
    expect(r.stdout).toContain('displayText            (Toll Free) 1 (800) 456-2354');
    expect(r.stdout).toContain('queueType              0 (None)');
  });

  it('answers INVALID_ENCODING for an argument whose bytes are not UTF-8, as batch does for such a row (exit 1)', () => {
    // The shell passes the byte 0xFF as it is; Node.js decodes it to U+FFFD, which the engine would drop (5551234, Local).
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" query --json "$(printf '555\\377')1234" 6929`], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const [bad, good] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rawText: string; error?: { code: string; message: string }; queueName?: string });
    expect(bad?.error?.code).toBe('INVALID_ENCODING');
    expect(bad?.error?.message).toMatch(/character 4 is U\+FFFD/);
    expect(bad?.rawText).toBe('555\ufffd1234');
    expect(good?.queueName).toBe('User Queue:jdoe');
  });

  it('prints one JSON object per line with --json, exactly the details', () => {
    const r = run('query', '--json', '8004562354', '6929');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0] ?? {})).toEqual([
      'rawText', 'normalizedText', 'displayText', 'editBase', 'extension', 'defaultClassification', 'classifications',
      'internal', 'queueType', 'queueName', 'voicemailCapable', 'dialCapable', 'autoDialExtension',
    ]);
    expect(lines[1]).toMatchObject({ normalizedText: '/6929', queueType: 2, queueName: 'User Queue:jdoe' });
  });

  it('reports a rejected number and exits 1', () => {
    const r = run('query', '--json', '()');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ rawText: '()', error: { code: 'EMPTY', message: expect.any(String) } });
  });

  it('uses --rules, and prints every problem of a bad file without a stack trace (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialplan-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "Z1", classification: B }\n');
    const r = run('query', '--rules', bad, '123');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad.yaml:4:');
    expect(r.stderr).toContain('Z_NOT_LAST');
    expect(r.stderr).toContain('UNDECLARED_CLASSIFICATION');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "Z", classification: A, display: \'"any "{Z}\' }\n');
    const ok = run('query', '--rules', good, '--json', '42');
    expect(JSON.parse(ok.stdout)).toMatchObject({ displayText: 'any 42', defaultClassification: 'A' });
  });

  it('answers usage errors with exit 2 and no stack trace', () => {
    for (const args of [['query'], ['query', '--nope', '1'], ['frobnicate'], ['query', '--rules', '/nonexistent.yaml', '1']]) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
