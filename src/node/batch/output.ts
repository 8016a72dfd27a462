/**
 * Where `dialplan batch --out FILE` writes. A regular file (or a name that does not exist yet) is written to a temporary
 * file in the same folder and renamed over the name when the run succeeds, so a run that fails or is interrupted never
 * leaves a truncated file under that name and never destroys an earlier one. Devices and pipes (`/dev/stdout`, a FIFO)
 * are written directly: they cannot be renamed onto, and there is no earlier file to keep.
 */
import { randomBytes } from 'node:crypto';
import type { WriteStream } from 'node:fs';
import { accessSync, closeSync, constants, createWriteStream, fchmodSync, fdatasync, fsync, openSync, realpathSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Bytes the output stream takes before `write` asks the run to wait: a few batches' worth (one batch of line input is
 * about 1.6 MB of NDJSON). Node's default (16 KiB) made every batch wait for its own write, so the file system and the
 * queries took turns instead of working at the same time.
 */
const OUTPUT_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Written bytes after which the temporary file is synced in the background. The kernel would otherwise keep the whole
 * output dirty in memory and write it all during the final `fsync`, which the run then waits for; synced as it goes,
 * the disk works while the queries run and the final `fsync` finds little left.
 */
const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

/** An opened output file. */
export interface OutputFile {
  /** The stream to write the rows to. */
  readonly stream: WriteStream;
  /** The temporary file written instead of the requested one, or undefined when written directly. */
  readonly tempPath: string | undefined;
  /** Ends the stream, flushes it to disk and renames the temporary file into place; rejects on any failure. */
  commit(): Promise<void>;
  /** Gives up: closes the file and removes the temporary file (synchronous, so a signal handler can call it). */
  abort(): void;
}

/**
 * Whether two stat results are the same file (same device and inode): a symbolic or hard link to a file is that file.
 *
 * @param a - a file's stat
 * @param b - another file's stat
 * @returns true for the same file
 * @example
 * ```ts
 * sameFile(statSync('in.txt'), statSync('link-to-in.txt')); // true
 * ```
 */
export function sameFile(a: { readonly dev: number; readonly ino: number }, b: { readonly dev: number; readonly ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Opens `path` for the output of a run: directly for a device, pipe or socket (and anything under `/dev/` or `/proc/`),
 * else through a temporary file beside the real file (a symbolic link is followed, and stays a link). An existing file
 * keeps its permissions. Throws what the file system says when the file or its temporary cannot be created.
 *
 * @param path - the absolute path given to `--out`
 * @returns the opened output
 * @example
 * ```ts
 * const out = openOutputFile('/data/out.ndjson');
 * out.stream.write('...');
 * await out.commit(); // or out.abort() on failure
 * ```
 */
export function openOutputFile(path: string): OutputFile {
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing?.isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
  if (/^\/(dev|proc)\//.test(path) || (existing !== undefined && !existing.isFile())) {
    const fd = openSync(path, 'w');
    const stream = createWriteStream('', { fd, autoClose: false, highWaterMark: OUTPUT_BUFFER_BYTES });
    return {
      stream,
      tempPath: undefined,
      commit: async () => {
        await endStream(stream);
        closeSync(fd);
      },
      abort: () => closeQuietly(fd),
    };
  }
  const target = existing !== undefined ? realpathSync(path) : path;
  // Renaming over a file this user may not write would replace it all the same: refuse as writing it would.
  if (existing !== undefined) accessSync(target, constants.W_OK);
  const tempPath = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tempPath, 'wx', 0o666);
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    closeQuietly(fd);
  };
  try {
    if (existing !== undefined) fchmodSync(fd, Number(existing.mode) & 0o7777);
  } catch {
    // Keeping the old permissions is a courtesy: a file system without modes still gets the output.
  }
  const stream = createWriteStream('', { fd, autoClose: false, highWaterMark: OUTPUT_BUFFER_BYTES });
  let settled = false;
  // Background syncs: at most one at a time. Their first error fails the commit: Linux reports a write-back error to
  // one sync only, so the final fsync could succeed after a background one saw the data lost.
  let synced = 0;
  let syncing: Promise<void> | undefined;
  let syncError: Error | undefined;
  const syncTimer = setInterval(() => {
    if (syncing !== undefined || settled || stream.bytesWritten - synced < SYNC_EVERY_BYTES) return;
    const upTo = stream.bytesWritten;
    syncing = new Promise<void>((resolve) =>
      fdatasync(fd, (e) => {
        if (e) syncError ??= e;
        else synced = upTo;
        syncing = undefined;
        resolve();
      }),
    );
  }, 20);
  syncTimer.unref();
  return {
    stream,
    tempPath,
    async commit() {
      clearInterval(syncTimer);
      await endStream(stream);
      await syncing;
      if (syncError !== undefined) throw syncError;
      await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
      open = false;
      closeSync(fd);
      renameSync(tempPath, target);
      settled = true;
    },
    abort() {
      if (settled) return;
      settled = true;
      clearInterval(syncTimer);
      close();
      try {
        unlinkSync(tempPath);
      } catch {
        // Already gone.
      }
    },
  };
}

/** Ends a stream and waits until every byte is handed to the file system, or rejects with the stream's error. */
async function endStream(stream: WriteStream): Promise<void> {
  if (stream.errored) throw stream.errored;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    stream.once('error', onError);
    stream.end(() => {
      stream.removeListener('error', onError);
      if (stream.errored) reject(stream.errored);
      else resolve();
    });
  });
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}
