/**
 * The request log of `dialplan serve`, buffered. One line per request written at once is one system call per request
 * (standard error is written synchronously when it is a file or a pipe), which under load cost the server more than a
 * query; here lines are collected and written together, at most {@link LOG_FLUSH_MS} later or once
 * {@link LOG_FLUSH_BYTES} are waiting, and at once for the lines that say something happened (`urgent`) and at exit.
 */

/**
 * Longest time a request line waits before it is written, in milliseconds.
 *
 * @example
 * ```ts
 * LOG_FLUSH_MS; // 50
 * ```
 */
export const LOG_FLUSH_MS = 50;

/**
 * Buffered bytes (UTF-8) that make the log write at once.
 *
 * @example
 * ```ts
 * LOG_FLUSH_BYTES; // 65536
 * ```
 */
export const LOG_FLUSH_BYTES = 64 * 1024;

/** A buffered log. */
export interface BufferedLog {
  /**
   * Adds one line, stamped with the current time (ISO 8601, UTC); it is written within {@link LOG_FLUSH_MS}.
   *
   * @param line - the text, without its newline
   */
  (line: string): void;
  /**
   * Adds one line and writes everything waiting at once (start, stop, reload and failure lines).
   *
   * @param line - the text, without its newline
   */
  urgent(line: string): void;
  /** Writes everything waiting now. */
  flush(): void;
}

/**
 * Creates a buffered log over a writer. The timer that flushes it does not keep the process alive, and the process's
 * `exit` event flushes what is left, so no line is lost when the process ends.
 *
 * @param write - writes a chunk of whole lines (standard error, say); its failures are ignored (a closed standard error)
 * @param now - the clock (default `Date.now`)
 * @returns the log
 * @example
 * ```ts
 * const log = createBufferedLog((s) => process.stderr.write(s));
 * log('POST /icws/{sessionId}/phone-numbers/query-details 200 0.4ms');
 * log.urgent('stopping');
 * ```
 */
export function createBufferedLog(write: (chunk: string) => void, now: () => number = Date.now): BufferedLog {
  // Lines wait as UTF-8 bytes, not as a string grown with `+=`: such a string is a tree of a few objects a line, and a
  // busy server's pending lines (a thousand or so) outlived every young-generation collection in between, each of which
  // copied them all (and then moved them to the old generation). The bytes live outside the JavaScript heap.
  const bytes = Buffer.allocUnsafeSlow(LOG_FLUSH_BYTES);
  let used = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The time stamp of the last millisecond, kept: a busy server logs many lines in the same millisecond.
  let stampMs = Number.NaN;
  let stamp = '';
  const flush = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (used === 0) return;
    const chunk = bytes.toString('utf8', 0, used);
    used = 0;
    writeChunk(chunk);
  };
  const writeChunk = (chunk: string): void => {
    try {
      write(chunk);
    } catch {
      // A log that cannot be written must not take the server down.
    }
  };
  const add = (line: string): void => {
    const t = now();
    if (t !== stampMs) {
      stampMs = t;
      stamp = new Date(t).toISOString();
    }
    const text = `${stamp} ${line}\n`;
    // At most 3 bytes a UTF-16 unit. A line that may not fit goes after what waits; one larger than the buffer on its own.
    if (used + 3 * text.length > bytes.length) {
      flush();
      if (3 * text.length > bytes.length) return writeChunk(text);
    }
    used += bytes.write(text, used);
  };
  const log = ((line: string): void => {
    add(line);
    // Written once less than a long line's room is left, so a full buffer is written at once.
    if (used >= LOG_FLUSH_BYTES - 1024) flush();
    else if (timer === undefined) {
      timer = setTimeout(flush, LOG_FLUSH_MS);
      timer.unref?.();
    }
  }) as BufferedLog;
  log.urgent = (line: string): void => {
    add(line);
    flush();
  };
  log.flush = flush;
  process.once('exit', flush);
  return log;
}
