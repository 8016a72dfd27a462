// Loading rule files in a worker thread (dialplan serve's start-up and SIGHUP): hostile files come back as problems
// within the time and memory budget, the event loop stays free meanwhile, and a load can be cancelled at any moment.
// Uses dist/node/http/reload-worker.js (npm run build).
import { spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlanText, DEFAULT_RULES_PATH, loadDefaultDialPlan } from '../../../src/index.js';
import { loadDialPlanFileInWorker } from '../../../src/node/http/reload.js';
import type { WorkerLoadOptions } from '../../../src/node/http/reload.js';
import type { LoadResult } from '../../../src/engine/plan/load.js';
import { aliasBomb, bigPlan } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dialplan-reload-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Loads in the worker while a 5 ms timer runs; reports the outcome, the time, and the longest gap between ticks. */
async function loadWatched(path: string, options: WorkerLoadOptions = {}): Promise<{ r: LoadResult; ms: number; maxGapMs: number }> {
  let last = performance.now();
  let maxGapMs = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  try {
    const r = await loadDialPlanFileInWorker(path, options).result;
    return { r, ms: performance.now() - started, maxGapMs };
  } finally {
    clearInterval(tick);
  }
}

function messages(r: LoadResult): string {
  return r.ok ? '' : r.problems.map((p) => `${p.code} ${p.message}`).join('\n');
}

describe('loadDialPlanFileInWorker', () => {
  it('loads a good file into the same plan the main thread would load', async () => {
    const { r } = await loadWatched(file('good.yaml', readFileSync(DEFAULT_RULES_PATH, 'utf8')), { file: 'good.yaml' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const n of ['8004562354', '6929', '317-555-1234']) expect(r.plan.query(n)).toEqual(loadDefaultDialPlan().query(n));
  });

  it('answers an alias bomb and a recursive alias with problems, within seconds, the event loop free', async () => {
    for (const [name, text] of [
      ['bomb.yaml', aliasBomb()],
      ['recursive.yaml', 'name: r\nclassifications: [X]\ndialPlan: &a [ { name: e, match: X, classification: X }, *a ]\n'],
    ] as const) {
      const { r, ms, maxGapMs } = await loadWatched(file(name, text), { file: name });
      expect(r.ok, name).toBe(false);
      expect(messages(r)).not.toBe('');
      if (!r.ok) expect(r.problems.every((p) => p.file === name)).toBe(true);
      expect(ms).toBeLessThan(10_000);
      expect(maxGapMs).toBeLessThan(500);
    }
  });

  it('stops a load over its time budget, and the event loop never waits for it', async () => {
    const { r, ms, maxGapMs } = await loadWatched(file('big.yaml', bigPlan(40_000)), { timeoutMs: 200 });
    expect(r.ok).toBe(false);
    expect(messages(r)).toMatch(/TOO_LARGE Loading took longer than 200 ms/);
    expect(ms).toBeLessThan(2000);
    expect(maxGapMs).toBeLessThan(500);
  });

  it('stops a load over its memory budget without taking the process down', async () => {
    const { r } = await loadWatched(file('big2.yaml', bigPlan(40_000)), { maxMemoryMb: 32, timeoutMs: 60_000 });
    expect(r.ok).toBe(false);
    expect(messages(r)).toMatch(/TOO_LARGE Loading needed more than 32 MB of memory/);
  });

  it('loads a precompiled plan as such, within a budget its YAML parse would break (a 100 000-entry plan did, at 512 MB)', async () => {
    const compiled = compilePlanText(bigPlan(20_000), 'big.yaml');
    if (!compiled.ok) throw new Error('the plan does not compile');
    const path = file('big.json', compiled.json);
    const { r } = await loadWatched(path, { maxMemoryMb: 64, timeoutMs: 60_000 });
    expect(messages(r)).toBe('');
    if (r.ok) expect(r.plan.query('10123451234').ok).toBe(true);
  });

  it('refuses a plan whose compile would stall the caller longer than maxCompileMs', async () => {
    const { r } = await loadWatched(DEFAULT_RULES_PATH, { maxCompileMs: 0 });
    expect(messages(r)).toMatch(/TOO_LARGE Compiling this plan takes \d+ ms, over the 0 ms/);
  });

  it('reports a missing file and a broken one with their problems', async () => {
    expect(messages((await loadWatched(join(dir, 'missing.yaml'))).r)).toMatch(/^FILE_NOT_FOUND/);
    expect(messages((await loadWatched(file('broken.yaml', 'name: x\ndialPlan: [\n'))).r)).toMatch(/YAML_SYNTAX/);
  });

  it('refuses a named pipe or a device at once: opening a pipe nobody writes would block the worker for ever', async () => {
    // A worker blocked in open() cannot be terminated, and the process could then never exit (SIGTERM included).
    const fifo = join(dir, 'pipe.yaml');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    try {
      const { r, ms } = await loadWatched(fifo, { file: 'pipe.yaml', timeoutMs: 3000 });
      expect(messages(r)).toMatch(/^FILE_NOT_FOUND The rule file is a pipe, not a regular file/);
      if (!r.ok) expect(r.problems[0]?.file).toBe('pipe.yaml');
      expect(ms).toBeLessThan(2000);
      if (existsSync('/dev/zero')) expect(messages((await loadWatched('/dev/zero')).r)).toMatch(/^FILE_NOT_FOUND The rule file is a device/);
    } finally {
      // Should a worker be waiting in open() (before the fix), a writer's open releases it, so the test run can end.
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader waiting: nothing to release.
      }
    }
  });

  it('can be cancelled at any moment', async () => {
    const load = loadDialPlanFileInWorker(file('big3.yaml', bigPlan(40_000)));
    setTimeout(() => load.cancel(), 50);
    const started = performance.now();
    const r = await load.result;
    expect(messages(r)).toMatch(/cancelled/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
