/**
 * The playground's one script, bundled by scripts/build-playground.mjs into the page. In the page it starts the page;
 * started again as a worker (from the page's own inline text, which works from file:// where a worker file would not),
 * it lints plans off the page's thread.
 */
import { createLintSession } from '../engine/authoring/lint/lint.js';
import type { LintRequest } from './analysis.js';
import { lintText } from './analysis.js';
import { startPlayground } from './app.js';
import { registerMaxMetadata } from './phone.js';

registerMaxMetadata();

// One session for the life of the worker (or of the page, without one): an edit that changes no pattern reuses the
// shadowing analysis of the run before.
const session = createLintSession();

if (typeof document === 'undefined') {
  // A worker: one job at a time, answered with the job's id (the page drops answers it no longer wants).
  const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<{ id: number; request: LintRequest }>) => void) | null; postMessage(m: unknown): void };
  scope.onmessage = (e) => {
    const t0 = performance.now();
    const answer = lintText(e.data.request, (plan) => session.lint(plan));
    scope.postMessage({ id: e.data.id, ...answer, ms: performance.now() - t0 });
  };
} else {
  void startPlayground((plan) => session.lint(plan));
}
