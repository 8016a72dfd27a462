/**
 * The worker thread of `dialplan serve`'s rule loading (start-up with `--rules`, and every SIGHUP): reads and checks the
 * rule file away from the event loop, under the time and memory budget the main thread set, and answers with a snapshot
 * of the checked file (plain data) or every problem. A hostile file (an alias bomb, a huge file, deep recursion) costs
 * this thread only; the main thread terminates it when the budget runs out.
 */
import { readFileSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { safeLoadDialPlanFile } from '../files.js';
import { isCompiledPlanText } from '../../engine/plan/compiled-plan.js';
import { loadRuleFileSnapshot, maxFileBytes, safeLoadDialPlan, snapshotRuleFile } from '../../engine/plan/load.js';
import type { ReloadWorkerData, ReloadWorkerReply } from './reload.js';

const { path, file } = workerData as ReloadWorkerData;

/**
 * The problem of a path that is not a regular file, or undefined. Opening a named pipe with no writer, or reading a
 * terminal, blocks this thread in a system call that `worker.terminate()` cannot interrupt, and a process cannot exit
 * while one of its threads is blocked so: the server would ignore SIGTERM for ever. A plan read again at every SIGHUP
 * must be a file anyway. `stat` itself does not block on a pipe.
 */
function notAFile(): ReloadWorkerReply | undefined {
  let kind: string;
  try {
    const st = statSync(path);
    // A directory is reported by the loader (EISDIR), as it always was.
    if (st.isFile() || st.isDirectory()) return undefined;
    kind = st.isFIFO() ? 'a pipe' : st.isSocket() ? 'a socket' : 'a device';
  } catch {
    // A missing file: the loader reports it as it always does.
    return undefined;
  }
  const message = `The rule file is ${kind}, not a regular file: dialplan serve reads it at start-up and again at every SIGHUP, and reading ${kind} can wait for ever.`;
  return { ok: false, problems: [{ code: 'FILE_NOT_FOUND', severity: 'error', message, path: [], file }] };
}

function load(): ReloadWorkerReply {
  try {
    const refused = notAFile();
    if (refused) return refused;
    // The public loader: every check it makes (size, aliases, UTF-8, ...) applies here.
    const checked = safeLoadDialPlanFile(path, { file });
    if (!checked.ok) return { ok: false, problems: checked.problems };
    // The plan object cannot cross threads: the main thread compiles it again from this snapshot, without the YAML
    // parser. The snapshot is loaded here first, so a file changed between the two reads is caught in this thread.
    // Checked again: the file may have been replaced by a pipe since.
    const refusedNow = notAFile();
    if (refusedNow) return refusedNow;
    const text = readFileSync(path, 'utf8');
    if (isCompiledPlanText(text)) {
      // A precompiled plan (dialplan compile) goes over as its text, which the main thread loads as quickly as this one
      // does (JSON, its matchers stored): made into a YAML snapshot, the 18 MB of a 100 000-entry plan took the yaml
      // parser past the memory budget. Loaded once more here from that same text, to time it and to catch a change.
      const started = performance.now();
      // Up to the size the file loader lets a precompiled plan have (four times the limit): the file may have changed.
      const again = safeLoadDialPlan(text, { file, maxFileBytes: 4 * maxFileBytes({}) });
      const compileMs = performance.now() - started;
      return again.ok ? { ok: true, compiled: text, compileMs } : { ok: false, problems: again.problems };
    }
    const snapshot = snapshotRuleFile(text, file);
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
