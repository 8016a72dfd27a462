import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crossCheckDialPlan, loadDialPlan } from '../../src/index.js';

// A careless UK plan: everything +44 is "Local", everything else "Long Distance".
const CARELESS = `name: careless
classifications: [{ name: Local }, { name: Long Distance }, { name: Other }]
inputConversions:
  - { name: national, match: "0[1-9]Z", output: "+44{2-}" }
dialPlan:
  - { name: uk, match: "+44Z", classification: Local }
  - { name: abroad, match: "+Z", classification: Long Distance }
  - { name: rest, match: Z, classification: Other }
tests:
  - { input: "020 7946 0958", expect: { defaultClassification: Local } }
  - { input: "0909 879 0000", expect: { defaultClassification: Local } }
  - { input: "0800 1111", expect: { defaultClassification: Local } }
  - { input: "01632 960001", expect: { defaultClassification: Local } }
`;

describe('cross-check with libphonenumber-js', () => {
  it('warns on premium rate, toll free and invalid numbers called Local, at the test case', () => {
    const findings = crossCheckDialPlan(loadDialPlan(CARELESS, { file: 'careless.yaml' }));
    const fromTests = findings.filter((f) => f.path[0] === 'tests');
    expect(fromTests.map((f) => [f.path[1], f.line, f.message.match(/is (premium rate|toll free|not a valid number)\.$/)?.[1]])).toEqual([
      [1, 11, 'premium rate'],
      [2, 12, 'toll free'],
      [3, 13, 'not a valid number'],
    ]);
    expect(findings.every((f) => f.code === 'CROSS_CHECK_MISMATCH' && f.severity === 'warning')).toBe(true);
  });

  it('the bundled plans cross-check clean', () => {
    for (const name of ['default.yaml', 'gb.yaml', 'de.yaml']) {
      const plan = loadDialPlan(readFileSync(new URL(`../../rules/${name}`, import.meta.url), 'utf8'));
      expect(crossCheckDialPlan(plan).map((f) => f.message)).toEqual([]);
    }
  });

  it('the example numbers of the metadata (valid mobiles) raise nothing against a plan calling them Local or Long Distance', () => {
    // Every example number is valid, and none is premium rate or toll free (they are mobile examples).
    const plan = loadDialPlan(CARELESS.replace(/tests:[\s\S]*$/, ''));
    expect(crossCheckDialPlan(plan)).toEqual([]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'dialplan-xc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('dialplan lint --cross-check prints the warnings, exit 0', () => {
    const file = join(dir, 'careless.yaml');
    writeFileSync(file, CARELESS);
    const cli = new URL('../../dist/cli/main.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [cli, 'lint', '--cross-check', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.match(/CROSS_CHECK_MISMATCH/g)).toHaveLength(3);
    const plain = spawnSync(process.execPath, [cli, 'lint', file], { encoding: 'utf8' });
    expect(plain.stdout).not.toContain('CROSS_CHECK_MISMATCH');
  });
});
