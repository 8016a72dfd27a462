// The --out file: written through a temporary file, synced in the background as it grows, renamed into place on commit;
// an abort leaves the earlier file and no temporary.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openOutputFile } from '../../../src/node/batch/output.js';

const dir = mkdtempSync(join(tmpdir(), 'dialplan-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `chunks` chunks of 1 MiB (each filled with its index) as a batch run would: waiting for drain when asked. */
async function writeMiB(stream: NodeJS.WritableStream, chunks: number, hash: ReturnType<typeof createHash>): Promise<void> {
  for (let i = 0; i < chunks; i++) {
    const chunk = Buffer.alloc(1 << 20, i % 251);
    hash.update(chunk);
    if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
    // Let the background sync's timer run now and then, as it does between batches.
    if (i % 8 === 7) await new Promise((r) => setTimeout(r, 25));
  }
}

describe('openOutputFile', () => {
  it('a file larger than the background-sync step is committed whole, under its name, with no temporary left', async () => {
    const path = join(dir, 'big.ndjson');
    writeFileSync(path, 'earlier output\n');
    const out = openOutputFile(path);
    expect(out.tempPath).toBeDefined();
    const hash = createHash('sha256');
    await writeMiB(out.stream, 72, hash);
    // Until the commit the earlier file is untouched.
    expect(readFileSync(path, 'utf8')).toBe('earlier output\n');
    await out.commit();
    expect(statSync(path).size).toBe(72 << 20);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(hash.digest('hex'));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an abort while the file is being written (and synced) keeps the earlier file and removes the temporary', async () => {
    const path = join(dir, 'aborted.ndjson');
    writeFileSync(path, 'keep me\n');
    const out = openOutputFile(path);
    // As the CLI does: writes still queued when the file is closed fail, and are not the run's concern any more.
    out.stream.on('error', () => {});
    await writeMiB(out.stream, 40, createHash('sha256'));
    out.abort();
    expect(readFileSync(path, 'utf8')).toBe('keep me\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
