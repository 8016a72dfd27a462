/**
 * Stage 4 of the pipeline: the extension of the normalized number, whether it is dialed automatically, and for an internal
 * extension the queue that owns it.
 */
import type { CompiledPlan, DirectoryHit } from '../plan/compile.js';
import { QueueType } from '../types.js';

/** The extension and queue fields of the details. */
export interface ExtensionFields {
  readonly extension: string;
  readonly autoDialExtension: boolean;
  readonly queueType: QueueType;
  readonly queueName: string;
  readonly voicemailCapable: boolean;
}

/** The fields of a number without extension, shared: most numbers have none, and this runs once per query. */
const NO_EXTENSION: ExtensionFields = Object.freeze({ extension: '', autoDialExtension: false, queueType: QueueType.None, queueName: '', voicemailCapable: false });

/**
 * Reads the extension from a normalized number: what follows its first `/` (dialed automatically) or `^` (only stored).
 * A number that starts with `/` is an internal extension and is looked up in the plan's directory, on its text up to the
 * next `/` or `^` (`/6929^12` is extension 6929 with the stored extension 12, and gets 6929's queue). SIP addresses have
 * no extension.
 *
 * @param plan - the compiled plan
 * @param normalized - the normalized text
 * @param sip - whether the number is a SIP address
 * @returns the extension and queue fields
 * @example
 * ```ts
 * resolveExtension(plan, '/6929', false); // { extension: '6929', autoDialExtension: true, queueType: 2, queueName: 'User Queue:jdoe', voicemailCapable: true }
 * ```
 */
export function resolveExtension(plan: CompiledPlan, normalized: string, sip: boolean): ExtensionFields {
  if (sip) return NO_EXTENSION;
  let at = -1;
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized.charCodeAt(i);
    if (c === 47 || c === 94) {
      at = i;
      break;
    }
  }
  if (at < 0) return NO_EXTENSION;
  const extension = normalized.slice(at + 1);
  const autoDialExtension = normalized.charCodeAt(at) === 47;
  // An internal extension may itself carry a stored or dialed extension (`6929 x12` is `/6929^12`): the directory is
  // asked about the internal extension, the digits up to the next separator, while `extension` keeps all that follows.
  // One path for numbers in the directory and the others: a branch that only directory numbers take (a few in
  // thousands in a batch) had no type feedback when the caller was optimized, and the first one threw that code away.
  const hit = (at === 0 && autoDialExtension ? plan.directory.get(internalExtension(extension)) : undefined) ?? NOT_IN_DIRECTORY;
  return { extension, autoDialExtension, queueType: hit.queueType, queueName: hit.queueName, voicemailCapable: hit.voicemail };
}

/** What a number outside the directory gets: the shape of a directory hit, so that both read the same properties. */
// Not frozen: a frozen object has a map of its own, and the property reads would see two.
const NOT_IN_DIRECTORY: DirectoryHit = { kind: 'users', queueType: QueueType.None, queueName: '', voicemail: false };

/** The extension up to its own next separator: `6929^12` is internal extension `6929` carrying `^12`. */
function internalExtension(extension: string): string {
  for (let i = 0; i < extension.length; i++) {
    const c = extension.charCodeAt(i);
    if (c === 47 || c === 94) return extension.slice(0, i);
  }
  return extension;
}
