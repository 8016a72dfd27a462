import { describe, expect, it } from 'vitest';
import { loadDefaultDialPlan, loadDialPlan } from '../../../src/index.js';
import type { TextSink } from '../../../src/engine/match/automaton-fill.js';
import { TextSection } from '../../../src/engine/pipeline/classify.js';
import { createResolvedRow, emitRowText, resolveRow, rowText } from '../../../src/engine/pipeline/resolve-row.js';

const plan = loadDefaultDialPlan();
const INPUTS = ['1-800-456-2354', '011 44 20 7946 0958', '011 44 20 7946 0958 x7', '(317) 555-1234 x12', '5551234', '6929', 'x6929', '6929 x12', '+44 20 7946 0958', 'sip:agent@example.com', '911', '0'];

/** A sink that collects the pieces it is given. */
function collector(): TextSink & { text: string } {
  return {
    text: '',
    piece(s, from, to) {
      this.text += s.slice(from, to);
      return true;
    },
  };
}

describe('resolveRow', () => {
  it('gives the fields and texts of query, for one record reused from number to number', () => {
    const row = createResolvedRow();
    for (const raw of INPUTS) {
      const r = plan.query(raw);
      if (!r.ok) throw new Error(`${raw} did not resolve`);
      resolveRow(plan.compiled, raw, undefined, row);
      expect(row.ok, raw).toBe(true);
      const { normalizedText, displayText, editBase, extension, queueName, queueType, voicemailCapable, autoDialExtension, dialCapable, internal, defaultClassification, classifications } = r.details;
      expect({ extension, queueName, queueType, voicemailCapable, autoDialExtension, dialCapable, internal, defaultClassification, classifications }, raw).toEqual({
        extension: row.extension,
        queueName: row.queueName,
        queueType: row.queueType,
        voicemailCapable: row.voicemailCapable,
        autoDialExtension: row.autoDialExtension,
        dialCapable: row.dialCapable,
        internal: row.internal,
        defaultClassification: row.defaultClassification,
        classifications: row.classifications,
      });
      const sections = [
        [TextSection.displayText, displayText],
        [TextSection.editBase, editBase],
        [TextSection.dialString, r.dialString],
      ] as const;
      // Written piece by piece before the normalized text is built, then built.
      for (const [section, text] of sections) {
        const sink = collector();
        expect(emitRowText(row, section, sink), raw).toBe(true);
        expect(sink.text, `${raw} section ${section}`).toBe(text);
      }
      const sink = collector();
      expect(emitRowText(row, 0, sink)).toBe(true);
      expect(sink.text, raw).toBe(normalizedText);
      expect(rowText(row, 0), raw).toBe(normalizedText);
      for (const [section, text] of sections) expect(rowText(row, section), `${raw} section ${section}`).toBe(text);
    }
  });

  it('builds the normalized text only when it holds an extension', () => {
    const small = loadDialPlan(
      [
        'name: Small',
        'classifications: [{ name: Local }, { name: Intercom, internal: true }]',
        'dialPlan:',
        '  - { name: Local, match: NXXXXXX, classification: Local, normalized: +1317NXXXXXX }',
        '  - { name: Intercom, match: XXXX, classification: Intercom, normalized: /XXXX }',
      ].join('\n'),
    );
    const row = resolveRow(small.compiled, '555-1234', undefined, createResolvedRow());
    expect(row.normalizedText).toBeUndefined();
    expect(rowText(row, 0)).toBe('+13175551234');
    expect(row.normalizedText).toBe('+13175551234');
    // With an extension (the suffix), and an internal extension (`/XXXX`): built, and read for the extension.
    for (const [raw, normalized, extension] of [['555-1234 x12', '+13175551234^12', '12'], ['6929', '/6929', '6929']] as const) {
      resolveRow(small.compiled, raw, undefined, row);
      expect(row.normalizedText, raw).toBe(normalized);
      expect(row.normalizedText, raw).toBe(small.details(raw).normalizedText);
      expect(row.extension, raw).toBe(extension);
    }
  });

  it('stops when the sink stops', () => {
    const row = resolveRow(plan.compiled, '1-800-456-2354', undefined, createResolvedRow());
    let calls = 0;
    const refusing: TextSink = {
      piece: () => {
        calls++;
        return false;
      },
    };
    expect(emitRowText(row, TextSection.displayText, refusing)).toBe(false);
    expect(calls).toBe(1);
  });

  it('answers errors as values, as query does', () => {
    const row = createResolvedRow();
    for (const [raw, options] of [['', undefined], ['9'.repeat(300), undefined], ['6929', { location: 'Nowhere' }]] as const) {
      const r = plan.query(raw, options);
      resolveRow(plan.compiled, raw, options, row);
      expect(row.ok).toBe(false);
      expect(r.ok ? undefined : r.error, raw).toEqual(row.error);
    }
  });
});
