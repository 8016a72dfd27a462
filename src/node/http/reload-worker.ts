/**
 * The worker thread of `dialplan serve`'s rule loading (start-up with `--rules`, and every SIGHUP): reads and checks the
 * rule file away from the event loop, under the time and memory budget the main thread set, and answers with a snapshot
 * of the checked file (plain data) or every problem. A hostile file (an alias bomb, a huge file, deep recursion) costs
 * this thread only; the main thread terminates it when the budget runs out.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { safeLoadDialPlanFile } from '../files.js';
import { loadRuleFileSnapshot, snapshotRuleFile } from '../../engine/plan/load.js';
import type { ReloadWorkerData, ReloadWorkerReply } from './reload.js';

const { path, file } = workerData as ReloadWorkerData;

function load(): ReloadWorkerReply {
  try {
    // The public loader: every check it makes (size, aliases, UTF-8, ...) applies here.
    const checked = safeLoadDialPlanFile(path, { file });
    if (!checked.ok) return { ok: false, problems: checked.problems };
    // The plan object cannot cross threads: the main thread compiles it again from this snapshot, without the YAML
    // parser. The snapshot is loaded here first, so a file changed between the two reads is caught in this thread.
    const snapshot = snapshotRuleFile(readFileSync(path, 'utf8'), file);
    const started = performance.now();
    const again = snapshot === undefined ? undefined : loadRuleFileSnapshot(snapshot);
    // What the main thread will spend compiling it (plus about as much to receive it): it decides whether a reload
    // would stall requests.
    const compileMs = performance.now() - started;
    if (snapshot === undefined || again === undefined || !again.ok) {
      return {
        ok: false,
        problems: again?.ok === false ? again.problems : [{ code: 'INVALID_PLAN', severity: 'error', message: 'The file changed while it was being loaded; send SIGHUP again.', path: [], file }],
      };
    }
    return { ok: true, snapshot, compileMs };
  } catch (e) {
    // Whatever escapes the loader (a stack overflow, say) is a problem of this file, not a crash of the server.
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { ok: false, problems: [{ code: 'INVALID_PLAN', severity: 'error', message: `The file could not be loaded (${reason}).`, path: [], file }] };
  }
}

parentPort?.postMessage(load());
