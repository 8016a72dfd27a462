// Cisco Unified CM: route and translation patterns of a BAT CSV import in closest-match order, with the discard digits,
// called party transformation mask and prefix digits as templates; --verify agrees 100% with the reference evaluator.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDialPlan } from '../../../src/index.js';
import { cucmReference, readCucmPatterns } from '../../../src/engine/migrate/cucm.js';
import { IMPORT_FORMATS, verifyImport } from '../../../src/engine/migrate/formats.js';

const file = 'test/fixtures/migration/cucm-patterns.csv';
const text = readFileSync(fileURLToPath(new URL('../../fixtures/migration/cucm-patterns.csv', import.meta.url)), 'utf8');
const cucm = IMPORT_FORMATS['cucm']!;
const run = cucm.run(text, file);

describe('the Bulk Administration export', () => {
  it('converts every pattern; unbounded ones and translation re-routing are reported', () => {
    expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(run.result.issues.filter((i) => i.severity === 'warning').map((i) => i.where)).toEqual([`${file}:9:7`, `${file}:10:7`, `${file}:11:7`]);
  });

  it.each([1, 2, 3, 4])('--verify agrees on 100%% of the numbers (seed %i)', (seed) => {
    const v = verifyImport(run, { seed, perRule: 30 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.tried).toBeGreaterThan(1000);
    expect(v.report.disagreements).toEqual([]);
  });

  it('takes the closest match, not the first in the file, and transforms the called number', () => {
    const plan = loadDialPlan(run.result.yaml);
    const d = (n: string): [string, string] => [plan.details(n).defaultClassification, plan.details(n).normalizedText];
    expect(d('95551234')).toEqual(['9.[2-9]XXXXXX (PT_Local)', '+13175551234']);
    expect(d('912125551234')).toEqual(['9.1[2-9]XX[2-9]XXXXXX (PT_LD)', '+12125551234']);
    // 1900 numbers: the blocked pattern matches 10^7 numbers of that length, the toll-free one 1.6×10^7.
    expect(d('919005551234')[0]).toBe('9.1900XXXXXXX (PT_Blocked)');
    expect(d('918005551234')).toEqual(['9.1[89]00[2-9]XXXXXX (PT_LD)', '+18005551234']);
    expect(d('9011442079460958#')).toEqual(['9.011!# (PT_Intl)', '011442079460958']);
    expect(d('6123')).toEqual(['6XXX (PT_Internal)', '+13175556123']);
    expect(d('5123')).toEqual(['5XXX (PT_Translate)', '6123']);
    expect(d('8123')).toEqual(['8[0-4]XX (PT_Translate)', '+13175568123']);
    expect(d('9911')).toEqual(['9.911 (PT_Emergency)', '911']);
  });

  it('the reference evaluator agrees on the same cases', () => {
    const ref = cucmReference(readCucmPatterns(text, file));
    expect(ref.evaluate({ number: '919005551234' }).classification).toBe('9.1900XXXXXXX (PT_Blocked)');
    expect(ref.evaluate({ number: '9011442079460958#' }).normalized).toBe('011442079460958');
    expect(ref.evaluate({ number: '7777' }).classification).toBe('No pattern');
  });

  it('reports what cannot be converted, with its position', () => {
    const r = cucm.run('ROUTE PATTERN,ROUTE PARTITION,DISCARD DIGITS\n9.@,PT_NANP,PreDot\n9.1XXX,PT_X,11D/10D@7D\n', 'rp.csv');
    expect(r.result.issues.map((i) => `${i.where}: ${i.message}`)).toEqual([
      'rp.csv:2:3 (index 2): 9.@ is not converted: @ (the national numbering plan and its route filters) has no counterpart in patterns',
      'rp.csv:3:1: 9.1XXX is not converted: the discard digits instruction "11D/10D@7D" (one for the national numbering plan) has no counterpart',
    ]);
  });
});

describe('column names', () => {
  it('reads the same columns named as an AXL SQL query or a spreadsheet names them', () => {
    const csv = [
      'dnorpattern,routePartitionName,description,digitDiscardInstructionName,calledPartyTransformationMask,prefixDigitsOut,callingPartyTransformationMask',
      '9.[2-9]XXXXXX,PT_Local,Seven-digit local,PreDot,,+1317,XXXX',
      '6XXX,PT_Internal,Extensions,,+1317555XXXX,,',
    ].join('\n');
    const r = cucm.run(csv, 'axl.csv');
    expect(r.result.issues.filter((i) => i.severity !== 'note')).toEqual([]);
    const plan = loadDialPlan(r.result.yaml);
    expect(plan.details('95551234')).toMatchObject({ normalizedText: '+13175551234', defaultClassification: '9.[2-9]XXXXXX (PT_Local)' });
    expect(plan.details('6100')).toMatchObject({ normalizedText: '+13175556100', defaultClassification: '6XXX (PT_Internal)' });
    const v = verifyImport(r, { seed: 1, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.disagreements).toEqual([]);
  });

  it('a column that would change the called number and is not read is reported, never ignored silently', () => {
    const r = cucm.run('ROUTE PATTERN,ROUTE PARTITION,CALLED PARTY MASK AFTER DISCARD\n9.XXXX,PT,XX\n', 'odd.csv');
    expect(r.result.issues.map((i) => `${i.where}: ${i.severity} ${i.message}`)).toContain(
      'odd.csv:1:31: warning the column CALLED PARTY MASK AFTER DISCARD is not read: what it does to the called number is not carried over',
    );
  });
});

describe('closest match between a fixed and a variable-length pattern', () => {
  it('1234 takes 1XXX, not 1! written before it (both match 1 000 numbers of four digits; 1! matches more in all)', () => {
    const r = cucm.run('ROUTE PATTERN,ROUTE PARTITION,CALLED PARTY PREFIX DIGITS (OUTGOING CALLS)\n1!,PT,A\n1XXX,PT,B\n', 'tie.csv');
    const plan = loadDialPlan(r.result.yaml);
    expect(plan.details('1234')).toMatchObject({ defaultClassification: '1XXX (PT)', normalizedText: 'B1234' });
    expect(plan.details('12345')).toMatchObject({ defaultClassification: '1! (PT)', normalizedText: 'A12345' });
    expect(r.reference.evaluate({ number: '1234' }).classification).toBe('1XXX (PT)');
    const v = verifyImport(r, { seed: 1, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.disagreements).toEqual([]);
  });
});

describe('a blank pattern', () => {
  it('(PLAR: the empty dial string) is reported, not dropped silently', () => {
    const r = cucm.run('TRANSLATION PATTERN,PARTITION,CALLED PARTY TRANSFORMATION MASK\n6XXX,PT,\n,PT_PLAR,1161\n', 'plar.csv');
    expect(r.result.issues.map((i) => `${i.where}: ${i.severity} ${i.message}`)).toContain('plar.csv:3:1: note a blank pattern matches only the empty dial string (off-hook, PLAR); it is not converted');
  });
});

describe('a route pattern export with every BAT column', () => {
  const batFile = 'test/fixtures/migration/cucm-bat-route-patterns.csv';
  const bat = cucm.run(readFileSync(fileURLToPath(new URL('../../fixtures/migration/cucm-bat-route-patterns.csv', import.meta.url)), 'utf8'), batFile);

  it('the calling party transformations are reported as not carried over, with the lines that set them', () => {
    expect(bat.result.issues.filter((i) => i.severity === 'note' && /calling number/.test(i.message)).map((i) => `${i.where}: ${i.message}`)).toEqual([
      `${batFile}:2:105: not carried over: CALLING PARTY TRANSFORM MASK (lines 2, 4) transforms the calling number, which a dial plan does not see`,
      `${batFile}:4:108: not carried over: CALLING PARTY PREFIX DIGITS (OUTGOING CALLS) (line 4) transforms the calling number, which a dial plan does not see`,
    ]);
  });

  it('< None > is no discard instruction and no partition: every pattern is converted, --verify 100%', () => {
    expect(bat.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const plan = loadDialPlan(bat.result.yaml);
    expect(plan.details('+442079460000')).toMatchObject({ defaultClassification: '\\+! (PT_E164)', normalizedText: '+442079460000' });
    expect(plan.details('1234')).toMatchObject({ defaultClassification: '1XXX', normalizedText: '+13175551234' });
    const v = verifyImport(bat, { seed: 1, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.disagreements).toEqual([]);
  });

  it('a pattern whose route option is Block this pattern is classified and not dial capable; the others are', () => {
    const plan = loadDialPlan(bat.result.yaml);
    expect(plan.details('919005551234')).toMatchObject({ defaultClassification: '9.1900XXXXXXX (PT_Blocked)', dialCapable: false });
    expect(plan.details('913175551234')).toMatchObject({ defaultClassification: '9.1[2-9]XX[2-9]XXXXXX (PT_LD)', dialCapable: true });
    const axl = cucm.run('dnorpattern,routePartitionName,blockEnable\n9.976XXXX,PT,t\n9.XXXXXXX,PT,f\n', 'axl.csv');
    expect(loadDialPlan(axl.result.yaml).details('99765555')).toMatchObject({ defaultClassification: '9.976XXXX (PT)', dialCapable: false });
    expect(loadDialPlan(axl.result.yaml).details('95551234')).toMatchObject({ dialCapable: true });
  });
});
