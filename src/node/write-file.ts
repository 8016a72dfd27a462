/**
 * Writing an output file so that an interrupted run never leaves half of it under its name (Node.js only).
 */
import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a file's content in one step: the text goes to a temporary file beside the real file (beside the file a
 * symbolic link points at, so that the link stays a link), which is then renamed over it. A device, pipe or socket
 * (`/dev/stdout`, a FIFO), where renaming would replace the node itself, is written in place. The temporary file is
 * removed when anything fails, and the error is thrown.
 *
 * @param path - the file to write (created when missing)
 * @param text - its new content
 * @returns nothing
 * @example
 * ```ts
 * replaceFile('site.json', json); // readers see the old file or the new one, never half of it
 * ```
 */
export function replaceFile(path: string, text: string): void {
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (/^\/(dev|proc)\//.test(path) || (existing !== undefined && !existing.isFile())) {
    writeFileSync(path, text);
    return;
  }
  const target = existing !== undefined ? realpathSync(path) : path;
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temporary, text, { flag: 'wx' });
    renameSync(temporary, target);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
}
