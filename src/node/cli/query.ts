/**
 * `dialplan query [--rules FILE] [--location NAME] [--json] NUMBER...`
 */
import type { PhoneNumberDetails, QueryResult } from '../../engine/types.js';
import { DETAIL_FIELDS, QueueType } from '../../engine/types.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';
import { loadRulesOption, locationOption, PLAN_OPTIONS } from './rules.js';

/** Help text of `dialplan query`. */
export const QUERY_HELP = `Usage: dialplan query [--rules FILE] [--location NAME] [--json] NUMBER...

Resolves each NUMBER with the dial plan (the bundled rules/default.yaml unless --rules is given)
and prints its ICWS phone-number details: a readable block per number, or with --json one JSON
object per line. Exit code 0 when every number resolved, 1 when some were rejected (empty, too
long, not UTF-8), 2 for bad arguments or a plan that does not load.
`;

/** Runs `dialplan query`. */
export const queryCommand: Command = defineCommand({
  help: QUERY_HELP,
  options: {
    ...PLAN_OPTIONS,
    json: { type: 'boolean' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length === 0) throw new UsageError('dialplan query needs at least one NUMBER.');
    const plan = loadRulesOption(values.rules, io);
    if (!plan) return EXIT.usage;
    const options = locationOption(plan, values.location);
    let failed = false;
    positionals.forEach((number, i) => {
      const r = notUtf8(number) ?? plan.query(number, options);
      if (!r.ok) failed = true;
      io.stdout.write(values.json ? formatJsonLine(number, r) : (i > 0 ? '\n' : '') + formatBlock(number, r));
    });
    return failed ? EXIT.failed : EXIT.ok;
  },
});

/** What `dialplan query` prints for a number: the query's answer, or why it was not asked. */
export type QueryAnswer = QueryResult | { readonly ok: false; readonly error: { readonly code: 'INVALID_ENCODING'; readonly message: string } };

/**
 * An `INVALID_ENCODING` answer for an argument holding U+FFFD, which is what the command line's bytes that are not UTF-8
 * became when Node.js decoded them: as in `dialplan batch`, nothing is repaired silently (`555\xff1234` is not the
 * valid number `5551234`, which the engine would make of it by dropping the character).
 */
function notUtf8(number: string): QueryAnswer | undefined {
  const at = number.indexOf('\ufffd');
  if (at < 0) return undefined;
  return {
    ok: false,
    error: { code: 'INVALID_ENCODING', message: `The argument is not valid UTF-8: character ${at + 1} is U+FFFD, which stands for bytes that were not UTF-8.` },
  };
}

/**
 * One JSON line for a result: the details object as is, or `{ rawText, error: { code, message } }`.
 *
 * @param raw - the input
 * @param r - its result
 * @returns the line, with its newline
 */
export function formatJsonLine(raw: string, r: QueryAnswer): string {
  return JSON.stringify(r.ok ? r.details : { rawText: raw, error: r.error }) + '\n';
}

/**
 * A readable block for a result: one field per line, the queue type with its name.
 *
 * @param raw - the input
 * @param r - its result
 * @returns the block, ending with a newline
 */
export function formatBlock(raw: string, r: QueryAnswer): string {
  if (!r.ok) return `${raw}\n  error                  ${r.error.code}: ${r.error.message}\n`;
  return `${raw}\n${DETAIL_FIELDS.map((f) => `  ${f.padEnd(22)} ${formatField(r.details, f)}\n`).join('')}`;
}

function formatField(d: PhoneNumberDetails, f: (typeof DETAIL_FIELDS)[number]): string {
  const v = d[f];
  if (f === 'queueType') return `${v} (${QueueType[d.queueType]})`;
  if (Array.isArray(v)) return v.join(', ');
  return v === '' ? '""' : String(v);
}
