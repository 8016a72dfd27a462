/**
 * The playground's one script, bundled by scripts/build-playground.mjs into the page. In the page it starts the page;
 * started again as a worker (from the page's own inline text, which works from file:// where a worker file would not),
 * it lints plans off the page's thread.
 */
import type { Problem } from '../browser.js';
import { lintDialPlan } from '../browser.js';
import { lintText } from './analysis.js';
import { startPlayground } from './app.js';
import { registerMaxMetadata } from './phone.js';

registerMaxMetadata();

const lint = (text: string, file: string): readonly Problem[] => lintText(text, file, lintDialPlan);

if (typeof document === 'undefined') {
  // A worker: one job at a time, answered with the job's id (the page drops answers it no longer wants).
  const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<{ id: number; text: string; file: string }>) => void) | null; postMessage(m: unknown): void };
  scope.onmessage = (e) => {
    const t0 = performance.now();
    const problems = lint(e.data.text, e.data.file);
    scope.postMessage({ id: e.data.id, problems, ms: performance.now() - t0 });
  };
} else {
  void startPlayground(lint);
}
