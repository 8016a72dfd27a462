/**
 * Share links: the plan and the numbers, as JSON compressed with deflate-raw (the browser's CompressionStream) and
 * written in base64url into the URL fragment. A fragment never reaches a server, so sharing sends nothing anywhere.
 */

/** What a share link holds. */
export interface SharedState {
  readonly plan: string;
  readonly numbers: string;
  readonly file: string;
  readonly location: string;
  /** The numbers whose explanation is open (absent in links written before it was added). */
  readonly explained?: readonly string[];
}

/** The fragment's prefix: a version, so that a later format can still read today's links. */
export const SHARE_PREFIX = '#v1=';

/** The largest state a link may expand to (a plan is capped at 16 MiB by the loader; a link is far smaller). */
const MAX_EXPANDED = 32 * 1024 * 1024;

/**
 * Encodes the page's state as a URL fragment.
 *
 * @param state - the plan, numbers, file name and location
 * @returns the fragment, starting with {@link SHARE_PREFIX}
 */
export async function encodeShare(state: SharedState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return SHARE_PREFIX + toBase64Url(bytes);
}

/**
 * Decodes a fragment written by {@link encodeShare}.
 *
 * @param fragment - `location.hash`
 * @returns the state; undefined when the fragment is not a share link
 * @throws Error with a message for people when it is one but is damaged (truncated, not base64url, not the format)
 */
export async function decodeShare(fragment: string): Promise<SharedState | undefined> {
  if (!fragment.startsWith(SHARE_PREFIX)) return undefined;
  const bytes = fromBase64Url(fragment.slice(SHARE_PREFIX.length));
  let text: string;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    const reader = stream.getReader();
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_EXPANDED) {
        await reader.cancel();
        throw new Error('too large');
      }
      parts.push(value);
    }
    text = new TextDecoder('utf-8', { fatal: true }).decode(concat(parts, total));
  } catch {
    throw new Error('This share link is damaged (cut short or edited): it cannot be read.');
  }
  const value: unknown = (() => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  })();
  if (!isState(value)) throw new Error('This share link is not one of this page\'s links.');
  return value;
}

function isState(v: unknown): v is SharedState {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  const explained = o['explained'];
  return (
    typeof o['plan'] === 'string' &&
    typeof o['numbers'] === 'string' &&
    typeof o['file'] === 'string' &&
    typeof o['location'] === 'string' &&
    (explained === undefined || (Array.isArray(explained) && explained.every((n) => typeof n === 'string')))
  );
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode with a spread of a whole large array overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('This share link is damaged (characters that base64url does not use).');
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    throw new Error('This share link is damaged (cut short or edited): it cannot be read.');
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
