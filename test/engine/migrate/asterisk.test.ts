// Asterisk: extensions.conf imports with one location per context, in Asterisk's best-match order (not file order),
// includes after a context's own extensions, and --verify agrees 100% with the reference evaluator.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintDialPlan, loadDialPlan } from '../../../src/index.js';
import { compareAsteriskExtensions } from '../../../src/engine/migrate/asterisk.js';
import { IMPORT_FORMATS, verifyImport } from '../../../src/engine/migrate/formats.js';

const file = 'test/fixtures/migration/extensions.conf';
const text = readFileSync(fileURLToPath(new URL('../../fixtures/migration/extensions.conf', import.meta.url)), 'utf8');
const asterisk = IMPORT_FORMATS['asterisk']!;
const run = asterisk.run(text, file);

describe('extensions.conf', () => {
  it('converts every dialable extension; special extensions and dial-time actions are reported', () => {
    expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(run.result.issues.filter((i) => i.severity === 'note').map((i) => i.message)).toEqual([
      'h is not converted: "h" is a special or named extension, entered by the dialplan itself rather than dialed',
      'i is not converted: "i" is a special or named extension, entered by the dialplan itself rather than dialed',
      's is not converted: "s" is a special or named extension, entered by the dialplan itself rather than dialed',
      'not carried over: the dial-time action Answer (line 48): the plan classifies numbers, it does not run applications',
      'not carried over: the dial-time action Dial (lines 15, 16, 22, 24, 29, 30, 31, 32, 34): the plan classifies numbers, it does not run applications',
      'not carried over: the dial-time action Goto (lines 25, 35, 43, 44, 49, 50): the plan classifies numbers, it does not run applications',
      'not carried over: the dial-time action Hangup (lines 19, 39, 45): the plan classifies numbers, it does not run applications',
      'not carried over: the dial-time action Playback (lines 33, 38, 51): the plan classifies numbers, it does not run applications',
      'not carried over: the dial-time action Set (line 18): the plan classifies numbers, it does not run applications',
      'not carried over: the dial-time action VoiceMail (line 23): the plan classifies numbers, it does not run applications',
      'not carried over: the dial-time action VoiceMailMain (line 17): the plan classifies numbers, it does not run applications',
    ]);
  });

  it('reports each dial-time action with its source position (same => lines too)', () => {
    const where = (app: string): string | undefined => run.result.issues.find((i) => i.message.includes(`dial-time action ${app} `))?.where;
    expect(where('Dial')).toBe(`${file}:15:16`); // exten => 911,1,Dial(${TRUNK}/911)
    expect(where('VoiceMail')).toBe(`${file}:23:12`); //  same => n,VoiceMail(${EXTEN}@default,u)
    expect(where('Answer')).toBe(`${file}:48:14`); // exten => s,1,Answer(): s is not converted, its action is still reported
  });

  it.each([1, 5, 11])('--verify agrees on 100%% of the numbers (seed %i)', (seed) => {
    const v = verifyImport(run, { seed, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.tried).toBeGreaterThan(2000);
    expect(v.report.disagreements).toEqual([]);
  });

  it('lint finds no error in the imported plan: the entries of one context never shadow another context\'s', () => {
    const problems = lintDialPlan(loadDialPlan(run.result.yaml));
    expect(problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([]);
  });

  it('uses the best match, not the file order, and a context’s includes after its own extensions', () => {
    const plan = loadDialPlan(run.result.yaml);
    expect(plan.locations).toEqual(['from-internal', 'internal-extensions', 'outbound', 'catch-all', 'from-trunk', 'ivr-main']);
    const at = (n: string, location: string): string => plan.details(n, { location }).defaultClassification;
    expect(at('6999', 'internal-extensions')).toBe('6999'); // a literal before _6XXX, written after it
    expect(at('6123', 'from-internal')).toBe('_6XXX'); // from the first include
    expect(at('18005550100', 'outbound')).toBe('_1-800-NXX-XXXX'); // before _1NXXNXXXXXX
    expect(at('9123', 'outbound')).toBe('_9!'); // a literal 9 is a smaller set than N
    expect(at('42', 'from-internal')).toBe('_X.'); // the catch-all context, included last
    expect(at('42', 'outbound')).toBe('No extension');
    expect(at('+13175556123', 'from-trunk')).toBe('_+13175556XXX');
    expect(at('+13175551234', 'from-trunk')).toBe('_+1317555[0-5]XXX');
  });
});

describe("Asterisk's order", () => {
  it('literal extensions first, then patterns by the size of each position’s set, . and ! last', () => {
    const list = ['_X.', '_NXXXXXX', '_X!', '_ZXXXXXX', '_[2-5]XXXXXX', '911', '_1NXXNXXXXXX', '_1800NXXXXXX', '_9!'];
    expect([...list].sort(compareAsteriskExtensions)).toEqual(['911', '_1800NXXXXXX', '_1NXXNXXXXXX', '_9!', '_[2-5]XXXXXX', '_NXXXXXX', '_ZXXXXXX', '_X.', '_X!']);
  });

  it('a context opened twice is one context, as Asterisk reads it: the second section\'s extensions are not lost', () => {
    const r = asterisk.run('[a]\nexten => _1X,1,NoOp()\n[b]\nexten => _5XX,1,NoOp()\n[a]\nexten => _2XX,1,NoOp()\nexten => 250,1,NoOp()\n', 'twice.conf');
    expect(r.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const plan = loadDialPlan(r.result.yaml);
    expect(plan.locations).toEqual(['a', 'b']);
    const at = (n: string, location: string): string => plan.details(n, { location }).defaultClassification;
    expect(at('12', 'a')).toBe('_1X');
    expect(at('234', 'a')).toBe('_2XX');
    expect(at('250', 'a')).toBe('250');
    expect(at('234', 'b')).toBe('No extension');
    const v = verifyImport(r, { seed: 1, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.disagreements).toEqual([]);
  });

  it('block comments ;-- ... --; (over lines, nested) hide what they hold, as in Asterisk\'s config.c', () => {
    const conf = [
      '[a]',
      ';-- the old rules, kept for reference',
      'exten => _9XX,1,NoOp()',
      '  ;-- nested --;',
      'exten => _8XX,1,NoOp()',
      '--; exten => _7XX,1,NoOp() ; live after the block',
      'exten => _6XX,1,NoOp() ;-- a block on one line --; ; and a line comment',
      'exten => 5\\;1,1,NoOp()',
    ].join('\n');
    const r = asterisk.run(conf, 'blocks.conf');
    expect(r.result.issues.filter((i) => i.severity !== 'note')).toEqual([]);
    const plan = loadDialPlan(r.result.yaml);
    const at = (n: string): string => plan.details(n).defaultClassification;
    expect(at('912')).toBe('No extension');
    expect(at('812')).toBe('No extension');
    expect(at('712')).toBe('_7XX');
    expect(at('612')).toBe('_6XX');
    expect(r.result.yaml).toContain('blocks.conf:6:14 [a] exten => _7XX');
  });

  it('templates: a (!) section is no context, and a section naming it inherits its lines first', () => {
    const conf = [
      '[outbound-base](!)',
      'exten => _NXXNXXXXXX,1,Dial(PJSIP/+1${EXTEN}@itsp)',
      'exten => _011.,1,Dial(PJSIP/+${EXTEN:3}@itsp)',
      '[branch-a](outbound-base)',
      'exten => _6XXX,1,Dial(PJSIP/${EXTEN})',
      '[branch-b](outbound-base)',
      'exten => _7XXX,1,Dial(PJSIP/${EXTEN})',
      '[branch-c](nowhere)',
      'exten => _8XXX,1,Dial(PJSIP/${EXTEN})',
    ].join('\n');
    const r = asterisk.run(conf, 'tpl.conf');
    expect(r.result.issues.filter((i) => i.severity !== 'note').map((i) => `${i.where}: ${i.severity} ${i.message}`)).toEqual([
      'tpl.conf:8:12: warning [branch-c] inherits from nowhere, which is not a template defined above it ([nowhere](!)): its lines are not read',
    ]);
    const plan = loadDialPlan(r.result.yaml);
    expect(plan.locations).toEqual(['branch-a', 'branch-b', 'branch-c']);
    const at = (n: string, location: string): string => plan.details(n, { location }).defaultClassification;
    expect(at('3175551234', 'branch-a')).toBe('_NXXNXXXXXX');
    expect(at('3175551234', 'branch-b')).toBe('_NXXNXXXXXX');
    expect(at('3175551234', 'branch-c')).toBe('No extension');
    expect(at('6123', 'branch-a')).toBe('_6XXX');
    expect(at('6123', 'branch-b')).toBe('No extension');
    expect(at('7123', 'branch-b')).toBe('_7XXX');
    const v = verifyImport(r, { seed: 1, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.disagreements).toEqual([]);
  });

  it('one location per context, a single context too: a query may name it', () => {
    for (const [format, text, location] of [
      ['asterisk', '[from-internal]\nexten => _6XXX,1,Dial(PJSIP/${EXTEN})\n', 'from-internal'],
      ['teams', '{"SimpleName":"Redmond","NormalizationRules":[{"Name":"Ext","Pattern":"^(6\\\\d{3})$","Translation":"+1425555$1","IsInternalExtension":true}]}', 'Redmond'],
      ['genesys-cloud', '{"sites":[{"name":"Indy","numberPlans":[{"name":"Ext","matchType":"digitLength","digitLength":{"start":"4","end":"4"},"classification":"Ext","priority":0}]}]}', 'Indy'],
    ] as const) {
      const r = IMPORT_FORMATS[format]!.run(text, 'one');
      const plan = loadDialPlan(r.result.yaml);
      expect(plan.locations, format).toEqual([location]);
      expect(plan.details('6123', { location }).normalizedText, format).toBe(plan.details('6123').normalizedText);
      expect(plan.details('6123', { location }).defaultClassification, format).not.toMatch(/^(No extension|Not normalized|Unclassified)$/);
    }
  });

  it('an exten line before any [context] is reported, not dropped silently', () => {
    const r = asterisk.run('exten => _9XX,1,NoOp()\n[a]\nexten => _8XX,1,NoOp()\n', 'early.conf');
    expect(r.result.issues.map((i) => `${i.where}: ${i.severity} ${i.message}`)).toContain('early.conf:1:1: warning this line comes before any [context]: it belongs to no context and is not converted');
  });

  it('a time-conditional include is reported: the plan cannot ask the time', () => {
    const r = asterisk.run('[in]\ninclude => daytime,09:00-17:00,mon-fri,*,*\n[daytime]\nexten => _6XXX,1,NoOp()\n', 'times.conf');
    expect(r.result.issues.map((i) => `${i.where}: ${i.severity} ${i.message}`)).toContain(
      'times.conf:2:12: warning include => daytime holds only at the times 09:00-17:00,mon-fri,*,*: the time condition is not carried over (the include is read as always on)',
    );
    expect(loadDialPlan(r.result.yaml).details('6123', { location: 'in' }).defaultClassification).toBe('_6XXX');
  });

  it('reports what a dial plan cannot see, with its position', () => {
    const r = asterisk.run('[in]\nexten => _X./_256NXXXXXX,1,Dial(PJSIP/${EXTEN})\nexten => _X.1,1,Hangup()\n#include "more.conf"\n', 'x.conf');
    expect(r.result.issues.map((i) => `${i.where}: ${i.severity} ${i.message}`).slice(0, 3)).toEqual([
      'x.conf:4:1: warning #include is not followed: the extensions of that file are not converted',
      'x.conf:2:10: error _X./_256NXXXXXX is not converted: a caller-ID match (/) depends on who calls, which a dial plan does not see',
      'x.conf:3:10: error _X.1 is not converted: . before the end of the pattern',
    ]);
  });
});

describe('#include files', () => {
  // An in-memory folder, read as the CLI's reader reads files.
  const folder = (files: Record<string, string>) => (name: string) => (name in files ? [{ file: name, text: files[name] as string }] : `cannot read ${name}: not found (ENOENT)`);

  it('are read where the line is: the context open before it goes on in the file and after it', () => {
    const r = asterisk.run('[a]\nexten => _1XX,1,NoOp()\n#include more.conf\nexten => _3XX,1,NoOp()\n', 'main.conf', {
      readInclude: folder({ 'more.conf': 'exten => _2XX,1,NoOp()\n[b]\nexten => _4XX,1,NoOp()\n' }),
    });
    expect(r.result.issues.filter((i) => i.severity !== 'note')).toEqual([]);
    expect(r.result.plan.entries.map((e) => `${e.location}: ${e.name} ${e.source.split(' ')[0]}`)).toEqual([
      'a: _1XX (a) main.conf:2:10',
      'a: _2XX (a) more.conf:1:10',
      'a: _3XX (a) main.conf:4:10',
      'b: _4XX (b) more.conf:3:10',
    ]);
  });

  it('a file that includes itself, a missing file and a missing #tryinclude: reported with their lines, never a hang', () => {
    const r = asterisk.run('[a]\nexten => 1,1,NoOp()\n#include loop.conf\n#include gone.conf\n#tryinclude maybe.conf\n', 'main.conf', {
      readInclude: folder({ 'loop.conf': '#include main.conf\nexten => 2,1,NoOp()\n', 'main.conf': '[a]\n' }),
    });
    expect(r.result.issues.filter((i) => i.severity !== 'note').map((i) => `${i.where}: ${i.severity} ${i.message}`)).toEqual([
      'loop.conf:1:1: error #include main.conf: main.conf includes itself (through main.conf → loop.conf → main.conf); it is read once',
      'main.conf:4:1: error #include gone.conf is not followed: cannot read gone.conf: not found (ENOENT)',
    ]);
    expect(r.result.plan.entries.map((e) => e.name)).toEqual(['1 (a)', '2 (a)']);
  });

  it('a chain of files each including the next stops at 32 deep, said', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 100; i++) files[`f${i}.conf`] = `exten => ${1000 + i},1,NoOp()\n#include f${i + 1}.conf\n`;
    const r = asterisk.run('[a]\n#include f0.conf\n', 'main.conf', { readInclude: folder(files) });
    expect(r.result.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual(['#include f32.conf is not followed: #include files nest more than 32 deep here']);
    expect(r.result.plan.entries).toHaveLength(32);
  });

  it('without a reader (the engine reads no files) they are reported, as before', () => {
    const r = asterisk.run('[a]\nexten => 1,1,NoOp()\n#include more.conf\n', 'main.conf');
    expect(r.result.issues.map((i) => `${i.where}: ${i.severity} ${i.message}`)).toContain('main.conf:3:1: warning #include is not followed: the extensions of that file are not converted');
  });
});

describe('positions of what is reported', () => {
  it('an include of a context the file does not have names the include line; one copied from a template, the template line', () => {
    const r = asterisk.run('[t](!)\ninclude => gone-t\n[a](t)\nexten => 1,1,NoOp()\ninclude => gone-a\n', 'pos.conf');
    expect(r.result.issues.filter((i) => i.severity === 'warning').map((i) => `${i.where}: ${i.message}`)).toEqual([
      'pos.conf:2:12: include => gone-t: no such context in this file',
      'pos.conf:5:12: include => gone-a: no such context in this file',
    ]);
  });
});
