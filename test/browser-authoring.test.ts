// The browser entry (src/browser.ts) on a platform without a module loader, as in a browser or an edge runtime: `init`
// (generateStarterPlan, describeDialling) and the cross-check need libphonenumber-js's "max" metadata, which the entry does
// not bring. Unregistered, they say how to register it (they sent the user to "import dialplan through its browser
// entry", the entry in use); registered as docs/rules.md and setPhoneMetadataProvider's example show (ES module imports,
// no import attribute: the package maps those JSON names to modules), they give what the Node.js entry gives.
import { Metadata } from 'libphonenumber-js/core';
import examples from 'libphonenumber-js/examples.mobile.json';
import * as max from 'libphonenumber-js/max';
import json from 'libphonenumber-js/metadata.max.json';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  crossCheckDialPlan,
  describeDialling,
  DialPlanError,
  generateStarterPlan,
  listCountries,
  loadDialPlan,
  setPhoneLibraryProvider,
  setPhoneMetadataProvider,
} from '../src/browser.js';

/** What each function answers (or the error it throws), as plain data. */
function answers(d: Pick<typeof import('../src/browser.js'), 'crossCheckDialPlan' | 'describeDialling' | 'generateStarterPlan' | 'loadDialPlan'>): unknown[] {
  const starter = d.generateStarterPlan({ country: 'GB', areaCode: '20' });
  return [starter, d.describeDialling('DE'), d.crossCheckDialPlan(d.loadDialPlan(starter, { file: 'gb.yaml' }))];
}

describe('the browser entry without a module loader', () => {
  const proc = process as { getBuiltinModule?: unknown };
  const saved = proc.getBuiltinModule;
  beforeAll(() => {
    proc.getBuiltinModule = undefined;
  });
  afterAll(() => {
    proc.getBuiltinModule = saved;
  });

  it('init and the cross-check say how to register the "max" metadata when it is not registered', () => {
    // What needs no metadata works: the region list, a plan.
    expect(listCountries()).toContain('GB');
    const plan = loadDialPlan('name: t\nclassifications: [Local]\ndialPlan:\n  - { name: a, match: "+44Z", classification: Local }\n');
    expect(plan.query('+442079460958').ok).toBe(true);
    for (const call of [() => generateStarterPlan({ country: 'GB' }), () => describeDialling('DE'), () => crossCheckDialPlan(plan)]) {
      let thrown: unknown;
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(DialPlanError);
      const e = thrown as DialPlanError;
      expect(e.code).toBe('INVALID_PLAN');
      expect(e.message).toContain('setPhoneMetadataProvider');
      expect(e.message).toContain('libphonenumber-js/max');
      expect(e.message).not.toContain('import dialplan through its browser entry');
    }
  });

  it('registered as the docs show, they answer what the Node.js entry answers', async () => {
    // As docs/rules.md writes it: no cast (it type-checks as the page's own code, strict).
    setPhoneLibraryProvider(() => max);
    setPhoneMetadataProvider(() => ({ Metadata, json, examples }));
    const got = answers({ crossCheckDialPlan, describeDialling, generateStarterPlan, loadDialPlan });
    // The Node.js entry, in a module graph of its own (its own providers), with the runtime's loader back.
    proc.getBuiltinModule = saved;
    vi.resetModules();
    const node = await import('../src/index.js');
    expect(got).toEqual(answers(node));
    expect(String(got[0])).toContain('name: GB site');
  });
});
