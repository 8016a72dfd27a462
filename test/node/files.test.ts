// The bundled default plan is loaded from a build-time snapshot (no YAML parser at run time); it must be the same plan.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_PATH, safeLoadDialPlan, safeLoadDialPlanFile } from '../../src/index.js';
import { loadRuleFileSnapshot, snapshotRuleFile } from '../../src/engine/plan/load.js';
import { compilePlanText } from '../../src/engine/plan/compiled-plan.js';

const source = readFileSync(DEFAULT_RULES_PATH, 'utf8');
const inputs = ['8004562354', '6929', '317-555-1234 x12', 'sip:agent@example.com', '011 44 20 7946 0958', '911', '', '7300'];

describe('default plan snapshot', () => {
  const snapshot = snapshotRuleFile(source, 'rules/default.yaml');
  it('loads the same plan as the YAML, with the same positions', () => {
    expect(snapshot).toBeDefined();
    if (!snapshot) return;
    const fromSnapshot = loadRuleFileSnapshot(JSON.parse(JSON.stringify(snapshot)));
    const fromYaml = safeLoadDialPlan(source, { file: 'rules/default.yaml' });
    if (!fromSnapshot.ok || !fromYaml.ok) throw new Error('default plan does not load');
    expect(fromSnapshot.plan.rules).toEqual(fromYaml.plan.rules);
    for (const text of inputs) expect(fromSnapshot.plan.query(text)).toEqual(fromYaml.plan.query(text));
    fromYaml.plan.rules.dialPlan.forEach((_e, i) => {
      expect(fromSnapshot.plan.positionOf(['dialPlan', i])).toEqual(fromYaml.plan.positionOf(['dialPlan', i]));
    });
    expect(fromSnapshot.plan.positionOf(['dialPlan', 0]).line).toBeGreaterThan(1);
  });

  it('falls back to the source, with exact positions, for a plan with problems', () => {
    const bad = snapshotRuleFile('name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "1Z2", classification: A }\n', 'bad.yaml');
    if (!bad) throw new Error('not YAML');
    const r = loadRuleFileSnapshot(bad);
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.line, p.column])).toEqual([['Z_NOT_LAST', 4, 25]]);
  });

  it('is what the built package uses, and then yaml is never loaded', () => {
    const script = `
      import { createRequire } from 'node:module';
      const m = await import(${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)});
      const r = m.loadDefaultDialPlan().query('8004562354');
      const fresh = m.safeLoadDefaultDialPlan();
      const again = m.safeLoadDefaultDialPlan();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/yaml/'));
      console.log(JSON.stringify({ ok: r.ok, normalized: r.details.normalizedText, yaml: loaded.length,
        safe: fresh.ok && fresh.plan.details('6929').queueName, fresh: fresh.ok && again.ok && fresh.plan !== again.plan && fresh.plan !== m.loadDefaultDialPlan() }));`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    // safeLoadDefaultDialPlan (what the CLI uses) also loads from the snapshot, and gives a new plan on each call.
    expect(JSON.parse(out.stdout)).toEqual({ ok: true, normalized: '+18004562354', yaml: 0, safe: 'User Queue:jdoe', fresh: true });
  });
});

describe('safeLoadDialPlanFile', () => {
  it('a precompiled plan may be four times maxFileBytes: every plan that loads also loads precompiled', () => {
    // dialplan compile writes about 2.6 times the YAML (its text, positions, tables): a 6.9 MB plan of 100 000 entries
    // compiled to 18 MB, over the 16 MiB limit of every command that reads it.
    const dir = mkdtempSync(join(tmpdir(), 'dialplan-compiled-size-'));
    const yaml = readFileSync(DEFAULT_RULES_PATH, 'utf8');
    const compiled = compilePlanText(yaml, 'default.yaml');
    if (!compiled.ok) throw new Error('the default plan compiles');
    const max = Buffer.byteLength(yaml) + 10;
    expect(Buffer.byteLength(compiled.json)).toBeGreaterThan(max);
    writeFileSync(join(dir, 'plan.json'), compiled.json);
    writeFileSync(join(dir, 'plan.yaml'), yaml);
    expect(safeLoadDialPlanFile(join(dir, 'plan.yaml'), { maxFileBytes: max }).ok).toBe(true);
    expect(safeLoadDialPlanFile(join(dir, 'plan.json'), { maxFileBytes: max }).ok).toBe(true);
    // Other text is held to the limit itself, and a precompiled plan to four times it.
    writeFileSync(join(dir, 'big.yaml'), yaml + '#'.repeat(20));
    expect(safeLoadDialPlanFile(join(dir, 'big.yaml'), { maxFileBytes: max }).ok).toBe(false);
    const r = safeLoadDialPlanFile(join(dir, 'plan.json'), { maxFileBytes: Math.floor(Buffer.byteLength(compiled.json) / 4) - 1 });
    expect(r.ok ? [] : r.problems.map((p) => p.code)).toEqual(['TOO_LARGE']);
  });

  it('names a file it cannot read as every other problem names it: options.file, else the path given', () => {
    const given = safeLoadDialPlanFile('/nonexistent-dir/nope.yaml', { file: 'nope.yaml' });
    expect(given.ok).toBe(false);
    if (!given.ok) expect(given.problems.map((p) => [p.code, p.file])).toEqual([['FILE_NOT_FOUND', 'nope.yaml']]);
    const bare = safeLoadDialPlanFile('/nonexistent-dir/nope.yaml');
    if (!bare.ok) expect(bare.problems.map((p) => [p.code, p.file])).toEqual([['FILE_NOT_FOUND', '/nonexistent-dir/nope.yaml']]);
    expect(bare.ok).toBe(false);
  });

  it('says in words that a folder is a folder (and names its rule files), not with the system call\'s EISDIR', () => {
    const folder = mkdtempSync(join(tmpdir(), 'dialplan-folder-'));
    const r = safeLoadDialPlanFile(folder, { file: 'rules/' });
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.message])).toEqual([
      ['FILE_NOT_FOUND', 'Cannot read the rule file: it is a folder; name the rule files in it (rules/*.yaml).'],
    ]);
  });

  it('answers a path that is not a string with FILE_NOT_FOUND, naming its type, not its value (JSON can hold the problem)', () => {
    for (const bad of [42, 10n, null, undefined, { path: 'x' }]) {
      const r = safeLoadDialPlanFile(bad as unknown as string);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.problems.map((p) => [p.code, p.file])).toEqual([['FILE_NOT_FOUND', undefined]]);
      expect(r.problems[0]?.message).toMatch(/path must be a string, not (number|bigint|null|undefined|object)/);
      expect(() => JSON.stringify(r.problems)).not.toThrow();
    }
  });

  it('shows the line of a byte that is not UTF-8 without its control characters (no escape sequences reach a terminal)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialplan-files-'));
    const path = join(dir, 'esc.yaml');
    // A binary file given as a rule file: ESC sequences (colour, window title), a BEL and a NUL before the bad byte.
    writeFileSync(path, Buffer.concat([Buffer.from('name: x\x1b[31mred\x1b]0;title\x07\0 '), Buffer.from([0xff]), Buffer.from('\n')]));
    const r = safeLoadDialPlanFile(path, { file: 'esc.yaml' });
    const p = r.ok ? undefined : r.problems[0];
    expect([p?.code, p?.line, p?.column]).toEqual(['INVALID_ENCODING', 1, 28]);
    expect(p?.excerpt).not.toMatch(/[\0-\x08\x0b-\x1f\x7f]/);
    expect(p?.excerpt).toBe('  1 | name: x\u241b[31mred\u241b]0;title\u2407\u2400 \ufffd\n    |                            ^');
    // UTF-16 text: its NULs are shown as pictures too.
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name: x\n', 'utf16le')]));
    const u = safeLoadDialPlanFile(path);
    expect(u.ok ? '' : u.problems[0]?.excerpt).not.toMatch(/[\0-\x08\x0b-\x1f\x7f]/);
  });
});
