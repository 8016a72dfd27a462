/**
 * The playground page: the editor on the left; the numbers with their ICWS fields and explanations, the plan's inline
 * tests and its problems on the right. Everything runs in the page: nothing is fetched and nothing is sent, except the
 * Save to file of `dialplan playground --rules FILE`, to the local server that served the page.
 */
import type { EditorView } from '@codemirror/view';
import type { DialPlan, Explanation, ExplainedTable, InlineTestFailure, Problem } from '../browser.js';
import { DETAIL_FIELDS, MAX_INPUT_LENGTH, QueueType } from '../browser.js';
import type { Analysis, EntryRange, LintAnswer, LintRequest } from './analysis.js';
import { MAX_NUMBERS, analyze, entryAt, numberLines, numbersByEntry, reanswer } from './analysis.js';
import { createEditor, goToLine, replaceText, showProblems } from './editor.js';
import { BUNDLED_PLANS, SEED_NUMBERS, sampleNumbers, starterCountries, starterPlan } from './plans.js';
import { SHARE_PREFIX, decodeShare, encodeShare } from './share.js';

/** What `dialplan playground --rules FILE` writes into the page: the file, and how to save it back. */
interface ServerConfig {
  readonly file: string;
  readonly text: string;
  /** The path of the save endpoint on the serving host. */
  readonly saveUrl: string;
  /** The random token the endpoint requires (so that no other page can write the file). */
  readonly token: string;
}

/** Timings of the last analysis, for bench/playground.mjs and the status line. */
interface Timings {
  /**
   * From the start of the analysis (the end of the typing pause) to the load problems underlined: from the worker's
   * answer when it came before, else after the page's own load.
   */
  diagnosticsMs: number;
  /** The page's own load of the text (YAML, validation, compile), which the numbers and the tests need. */
  pageLoadMs: number;
  /** The whole analysis on the page's thread: load, numbers, tests, panels. */
  analysisMs: number;
  /**
   * The last lint: from the request (the text sent to the worker, LINT_EARLY_MS into the typing pause or at its end) to
   * its findings underlined in the editor, the worker's run, the wait for the page's own load and the messages included.
   */
  lintMs: number;
  /** The worker's own part of it: loading the text and linting the plan, off the page's thread. */
  lintWorkerMs: number;
  /** Of the worker's part, loading the text. */
  lintCompileMs: number;
  /**
   * The page's part of it: from the worker's answer, or from the page's own load when the answer came first, to the
   * findings underlined and listed.
   */
  lintPageMs: number;
  /** From the end of the typing pause (the start of the analysis) to lint's findings underlined: what the author waits. */
  lintSincePauseMs: number;
  /** Whether the last findings came before the end of the typing pause, and were underlined then with the load problems. */
  lintReadyAtPause: boolean;
  /** Analyses done; lint runs done. */
  analyses: number;
  lints: number;
  /** Numbers explained for the entry hover (once per analysis and location, not at every hover). */
  hoverExplains: number;
  /** The page's own loads of the text (an edit of the numbers or the location alone, and the run after a plan is opened, reuse the plan). */
  loads: number;
}

/** A text for the lint worker, and when it was asked for. */
interface LintJob {
  readonly id: number;
  readonly text: string;
  readonly file: string;
  readonly at: number;
}

/** The worker's answer for one text, and its timings. */
interface LintAnswered {
  readonly text: string;
  readonly file: string;
  readonly problems: readonly Problem[];
  /** The worker's load problems of the text (warnings when it loads). */
  readonly loadProblems: readonly Problem[];
  readonly requestedAt: number;
  readonly answeredAt: number;
  readonly workerMs: number;
  readonly loadMs: number;
}

/**
 * The worker starts loading and linting the text when typing pauses this long, before the page's own reload (at
 * DEBOUNCE_MS): by the end of the typing pause its findings are usually there, and they are underlined with the load
 * problems. Off the page's thread, so typing is not held up; a keystroke in the meantime only makes the next job wait
 * for this one (or stops it, see LINT_PATIENCE_MS).
 */
const LINT_EARLY_MS = 50;

/** The largest file the page opens: the loader's own default limit. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/**
 * Typing pauses this long before the plan is reloaded; longer for a plan that takes long to load (twice its last load,
 * up to a second), so that typing into a very large plan is not held up by a reload after every key.
 */
const DEBOUNCE_MS = 150;
/** A load that took this long, or a text this large, is announced on the status line before the next load. */
const SLOW_LOAD_MS = 500;
const LARGE_TEXT_CHARS = 1_000_000;
/** A number's heading shows this many characters of it at most: every number the engine takes, whole. */
const MAX_HEADING_CHARS = MAX_INPUT_LENGTH;
/** A share link longer than this may be cut by browsers and chat tools; the page says so. */
const MAX_LINK_CHARS = 2_000_000;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`The page has no #${id}.`);
  return el as T;
};

/**
 * How long a lint run the text has outgrown may go on: under this, the newest request waits for it (the worker then
 * keeps its cache, and the run is usually short); past it, the worker is stopped and started afresh.
 */
const LINT_PATIENCE_MS = 1_000;

/** The lint worker: started from the page's own inline script, so that it works from file:// too. */
function startLintWorker(): Worker | undefined {
  const source = document.getElementById('playground-script')?.textContent;
  if (source === undefined || source === null || source === '' || typeof Worker === 'undefined') return undefined;
  try {
    return new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  } catch {
    return undefined;
  }
}

/**
 * Starts the page.
 *
 * @param lintOnPage - lint on the page's thread (when no worker can be started)
 */
export async function startPlayground(lintOnPage: (plan: DialPlan) => readonly Problem[]): Promise<void> {
  const config = readConfig();
  const timings: Timings = { diagnosticsMs: 0, pageLoadMs: 0, analysisMs: 0, lintMs: 0, lintWorkerMs: 0, lintCompileMs: 0, lintPageMs: 0, lintSincePauseMs: 0, lintReadyAtPause: false, analyses: 0, lints: 0, hoverExplains: 0, loads: 0 };
  let file = 'default.yaml';
  let analysis: Analysis | undefined;
  /** The text `analysis` was made from, and when its run started (the end of the typing pause). */
  let analysedText = '';
  let runStartedAt = 0;
  let analysedFile = '';
  /** Whether the text changed since the last analysis (findings for that analysis no longer fit the editor's text). */
  let changedSinceRun = false;
  let lintProblems: readonly Problem[] = [];
  let lintState: 'idle' | 'running' | 'done' = 'idle';
  let worker = startLintWorker();
  let lintIds = 0;
  /** The worker's job in hand, and the newest text waiting for it to end. */
  let job: (LintJob & { readonly sentAt: number }) | undefined;
  let queued: LintJob | undefined;
  /** The worker's last answer: shown with the load problems by the run of its text, or at once if that run came first. */
  let answer: LintAnswered | undefined;
  /** The timer that stops a job the text has outgrown if it goes on too long, and the one that starts lint early. */
  let patience: ReturnType<typeof setTimeout> | undefined;
  let early: ReturnType<typeof setTimeout> | undefined;
  let modified = false;
  /** The line end of the text opened last (see fileText). */
  let eol: '\n' | '\r\n' = '\n';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idleWaiters: (() => void)[] = [];

  const status = $<HTMLParagraphElement>('status');
  /** A message that stays in front of the status line until the text changes (a damaged share link). */
  let notice = '';
  const say = (text: string, error = false): void => {
    status.textContent = notice !== '' ? `${notice} ${text}` : text;
    status.classList.toggle('error', error || notice !== '');
  };
  /**
   * Whether the status line says what an action did (a file refused, a save, a share link): lint's answer for the same
   * text, which can come seconds later on a large plan, leaves it there (the Problems list shows the findings); the next
   * analysis replaces it.
   */
  let actionSaid = false;
  const tell = (text: string, error = false): void => {
    say(text, error);
    actionSaid = true;
  };
  const numbersBox = $<HTMLTextAreaElement>('numbers');
  const locationBox = $<HTMLSpanElement>('location-box');
  const locationSelect = $<HTMLSelectElement>('location');

  const view: EditorView = createEditor($('editor'), '', {
    onChange: () => {
      modified = true;
      notice = '';
      changedSinceRun = true;
      schedule();
      // The worker starts on the text a short pause before the page reloads it (see LINT_EARLY_MS).
      if (early !== undefined) clearTimeout(early);
      if (worker !== undefined) early = setTimeout(lintEarly, LINT_EARLY_MS);
    },
    entryHover: (line) => entryHover(line),
    onDropFile: (f) => void openFile(f),
    // Ctrl+S does what the button named Save does: with `dialplan playground --rules FILE`, write the file back.
    onSave: () => (config !== undefined ? void saveToServer(config) : download()),
  });

  // ---- analysis -------------------------------------------------------------------------------------------------
  function schedule(): void {
    if (timer !== undefined) clearTimeout(timer);
    // Only the numbers or the location changed: the plan is kept (see reanswer), so the short pause is enough.
    if (!changedSinceRun) timer = setTimeout(run, DEBOUNCE_MS);
    else timer = setTimeout(slowLoadFirst, Math.max(DEBOUNCE_MS, Math.min(1_000, 2 * (analysis?.loadMs ?? 0))));
  }

  /**
   * Before a load that holds the page for a while (a text of megabytes, or one whose last load took half a second), the
   * status line says so and is painted first: the page does not answer while the text loads (see docs/playground.md,
   * "Much larger plans"), and a page that freezes without a word looks hung.
   */
  function slowLoadFirst(): void {
    if ((analysis?.loadMs ?? 0) < SLOW_LOAD_MS && view.state.doc.length < LARGE_TEXT_CHARS) return run();
    say(`Loading ${file} (${Math.round(view.state.doc.length / 1024)} KB${analysis !== undefined && analysis.loadMs >= SLOW_LOAD_MS ? `; the last load took ${(analysis.loadMs / 1000).toFixed(1)} s` : ''})…`);
    // After the next frame is painted (a timer alone may run before it); `timer` stays set, so the page is not idle. A
    // keystroke in the meantime schedules anew, and this wait then gives way.
    const wait: ReturnType<typeof setTimeout> = setTimeout(() => requestAnimationFrame(() => {
      if (timer === wait) timer = setTimeout(run, 0);
    }), 0);
    timer = wait;
  }

  function run(): void {
    timer = undefined;
    actionSaid = false;
    const t0 = performance.now();
    const text = view.state.doc.toString();
    // The same text and name as the last run whose plan loaded: only the numbers or the location changed.
    const previous = analysis?.plan !== undefined && text === analysedText && file === analysedFile ? analysis : undefined;
    analysedText = text;
    analysedFile = file;
    changedSinceRun = false;
    runStartedAt = t0;
    // The worker loads and lints this text while this thread loads it too (it usually has started already, early).
    requestLint(text);
    // When the worker has answered already, its load problems and findings are underlined now, before this thread loads
    // the text for the numbers and the tests: the same loader on the same text and name gives the same problems.
    const ready = answer !== undefined && answer.text === text && answer.file === file ? answer : undefined;
    if (ready !== undefined) {
      lintProblems = ready.problems;
      showProblems(view, [...ready.loadProblems, ...ready.problems]);
      timings.diagnosticsMs = performance.now() - t0;
      lintTimings(ready, t0, true);
    }
    if (previous !== undefined) analysis = reanswer(previous, numberLines(numbersBox.value), locationSelect.value);
    else analysis = load(text, numberLines(numbersBox.value));
    timings.pageLoadMs = analysis.loadMs;
    if (ready !== undefined) {
      lintState = analysis.plan === undefined ? 'idle' : 'done';
      // Never expected: the page's own load disagrees with the worker's. The page's problems win.
      if (!sameProblems(analysis.problems, ready.loadProblems)) {
        lintProblems = analysis.plan === undefined ? [] : ready.problems;
        showProblems(view, [...analysis.problems, ...lintProblems]);
      }
    } else {
      lintProblems = [];
      lintState = analysis.plan === undefined ? 'idle' : 'running';
      showProblems(view, analysis.problems);
      timings.diagnosticsMs = performance.now() - t0;
      if (lintState === 'running' && worker === undefined) lintOnPageSoon();
    }
    renderLocations();
    renderNumbers();
    renderTests();
    renderProblems();
    timings.analysisMs = performance.now() - t0;
    timings.analyses++;
    sayState();
    settle();
  }

  /** The page's own load of a text under the current file name, with the numbers answered at the chosen location. */
  function load(text: string, numbers: readonly string[]): Analysis {
    timings.loads++;
    return analyze(text, file, numbers, locationSelect.value);
  }

  /** Typing paused LINT_EARLY_MS: the worker starts on the text. */
  function lintEarly(): void {
    early = undefined;
    requestLint(view.state.doc.toString());
  }

  /** Asks the worker for the findings of a text, unless it has them or is working them out. */
  function requestLint(text: string): void {
    if (worker === undefined) return;
    const same = (j: { readonly text: string; readonly file: string } | undefined): boolean => j !== undefined && j.text === text && j.file === file;
    if (same(job) || (job === undefined && same(answer))) {
      queued = undefined;
      return;
    }
    const next: LintJob = { id: ++lintIds, text, file, at: performance.now() };
    if (job === undefined) return sendLint(next);
    // A job the text has outgrown: the newest text waits for its end (the worker keeps what it learnt), unless it goes
    // on too long (the exact analysis of a large plan can take seconds); then the worker is started afresh.
    queued = next;
    if (patience === undefined) patience = setTimeout(giveUp, Math.max(0, job.sentAt + LINT_PATIENCE_MS - performance.now()));
  }

  function sendLint(next: LintJob): void {
    const w = worker;
    if (w === undefined) return;
    job = { ...next, sentAt: performance.now() };
    const request: LintRequest = { text: next.text, file: next.file };
    w.postMessage({ id: next.id, request });
  }

  function listen(w: Worker): void {
    w.onmessage = (e: MessageEvent<LintAnswer & { id: number; ms: number }>) => {
      const done = job;
      if (done === undefined || e.data.id !== done.id) return;
      job = undefined;
      if (patience !== undefined) clearTimeout(patience);
      patience = undefined;
      const answeredAt = performance.now();
      answer = { text: done.text, file: done.file, problems: e.data.problems, loadProblems: e.data.loadProblems, requestedAt: done.at, answeredAt, workerMs: e.data.ms, loadMs: e.data.loadMs };
      const next = queued;
      queued = undefined;
      if (next !== undefined) sendLint(next);
      // The run of this text came first: its findings are underlined now.
      if (lintState === 'running' && !changedSinceRun && done.text === analysedText && done.file === analysedFile) lintDone(answer.problems, answer, answeredAt);
    };
    w.onerror = (e) => {
      e.preventDefault();
      job = undefined;
      queued = undefined;
      if (patience !== undefined) clearTimeout(patience);
      patience = undefined;
      worker = undefined;
      // Lint the newest plan on the page's thread instead.
      if (lintState === 'running') lintOnPageSoon();
    };
  }
  if (worker !== undefined) listen(worker);

  function giveUp(): void {
    patience = undefined;
    const next = queued;
    queued = undefined;
    if (job === undefined || next === undefined) return;
    worker?.terminate();
    job = undefined;
    worker = startLintWorker();
    if (worker !== undefined) {
      listen(worker);
      sendLint(next);
    } else if (lintState === 'running') lintOnPageSoon();
  }

  /** Without a worker (a page served without its inline script, or a worker that failed): lint after the panels. */
  function lintOnPageSoon(): void {
    const plan = analysis?.plan;
    if (plan === undefined) return;
    const runAt = runStartedAt;
    setTimeout(() => {
      if (runAt !== runStartedAt || changedSinceRun) return;
      const t0 = performance.now();
      const problems = lintOnPage(plan);
      const t1 = performance.now();
      lintDone(problems, { requestedAt: t0, workerMs: t1 - t0, loadMs: 0 }, t1);
    }, 0);
  }

  function lintDone(problems: readonly Problem[], a: Pick<LintAnswered, 'requestedAt' | 'workerMs' | 'loadMs'>, from: number): void {
    lintProblems = problems;
    lintState = 'done';
    showProblems(view, [...(analysis?.problems ?? []), ...problems]);
    renderProblems();
    if (!actionSaid) sayState();
    lintTimings(a, from, false);
    settle();
  }

  /** The lint timings, as the findings are underlined (`from`: when the page started on them). */
  function lintTimings(a: Pick<LintAnswered, 'requestedAt' | 'workerMs' | 'loadMs'>, from: number, withLoad: boolean): void {
    const end = performance.now();
    timings.lintReadyAtPause = withLoad;
    timings.lints++;
    timings.lintMs = end - a.requestedAt;
    timings.lintWorkerMs = a.workerMs;
    timings.lintCompileMs = a.loadMs;
    timings.lintPageMs = end - from;
    timings.lintSincePauseMs = end - runStartedAt;
  }

  function settle(): void {
    if (timer !== undefined || lintState === 'running') return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function sayState(): void {
    const a = analysis;
    if (a === undefined) return;
    const errors = a.problems.filter((p) => p.severity === 'error').length;
    if (a.plan === undefined) {
      say(`${file} does not load: ${errors} problem${errors === 1 ? '' : 's'} (underlined in the editor, listed under Problems).`, true);
      return;
    }
    const t = a.tests;
    const lint = lintState === 'running' ? 'linting…' : `lint: ${lintProblems.length} finding${lintProblems.length === 1 ? '' : 's'}`;
    say(`${file}: loaded in ${Math.round(a.loadMs)} ms · ${lint} · tests: ${t?.passed ?? 0} of ${t?.total ?? 0} passed`);
  }

  // ---- panels ----------------------------------------------------------------------------------------------------
  function renderLocations(): void {
    const plan = analysis?.plan;
    if (plan === undefined) return;
    const wanted = locationSelect.value;
    const names = plan.locations;
    locationBox.hidden = names.length === 0;
    const same = locationSelect.options.length === names.length + 1 && names.every((n, i) => locationSelect.options[i + 1]?.value === n);
    if (same) return;
    locationSelect.replaceChildren(option('', `default${plan.rules.defaultLocation !== undefined ? ` (${plan.rules.defaultLocation})` : ''}`));
    for (const n of names) locationSelect.append(option(n, n));
    locationSelect.value = names.includes(wanted) ? wanted : '';
  }

  function renderNumbers(): void {
    const results = $('results');
    const a = analysis;
    if (a === undefined) return;
    if (a.plan === undefined) {
      results.replaceChildren(el('p', { class: 'hint' }, 'The plan does not load: fix the problems to see the numbers.'));
      return;
    }
    const open = new Set([...results.querySelectorAll<HTMLElement>('article.number')].filter((n) => n.querySelector('details')?.open).map((n) => n.dataset['number']));
    const items = a.answers.map((ans, i) => {
      const article = el('article', { class: `number${ans.result.ok ? '' : ' rejected'}`, 'data-number': ans.text, 'data-index': String(i) });
      // A long line (a paste gone wrong) is cut in the heading, which must leave room for the verdict beside it.
      const shown = ans.text.length > MAX_HEADING_CHARS ? `${ans.text.slice(0, MAX_HEADING_CHARS)}… (${ans.text.length} characters)` : ans.text;
      const head = el('h3', {}, el('span', { class: 'number-text' }, shown));
      article.append(head);
      if (!ans.result.ok) {
        head.append(el('span', { class: 'hint' }, `rejected: ${ans.result.error.code}`));
        article.append(el('p', { class: 'hint', style: 'margin: 4px 8px' }, ans.result.error.message));
      } else {
        const d = ans.result.details;
        head.append(el('span', { class: 'hint' }, d.defaultClassification));
        const table = el('table', { class: 'fields', 'aria-label': `ICWS fields of ${ans.text}` });
        for (const f of DETAIL_FIELDS) {
          const value: unknown = d[f];
          // The cell's text is the value exactly as `dialplan query --json` prints it (strings without their quotes); the
          // queue type's name is added by the style sheet (td[data-name]::after), outside the text, so that it stays so.
          const shown = typeof value === 'string' ? value : JSON.stringify(value);
          const name = f === 'queueType' ? (QueueType[value as number] ?? '') : '';
          table.append(el('tr', { 'data-field': f }, el('th', { scope: 'row' }, f), el('td', { 'data-json': JSON.stringify(value), 'data-name': name, title: name }, shown)));
        }
        article.append(table);
      }
      // A button to assistive technology (and to getByRole): a summary has no role of its own there.
      const summary = el('summary', { role: 'button', 'aria-expanded': 'false' }, 'Explain');
      const details = el('details', { class: 'explain' }, summary);
      details.addEventListener('toggle', () => {
        summary.setAttribute('aria-expanded', String(details.open));
        if (details.open && details.querySelector('.explanation') === null) details.append(renderExplanation(ans.text));
      });
      if (open.has(ans.text)) {
        details.open = true;
        summary.setAttribute('aria-expanded', 'true');
        details.append(renderExplanation(ans.text));
      }
      article.append(details);
      return article;
    });
    const all = numberLines(numbersBox.value).length;
    if (all > MAX_NUMBERS) items.push(el('p', { class: 'hint' }, `Showing the first ${MAX_NUMBERS} of ${all} numbers.`));
    if (items.length === 0) items.push(el('p', { class: 'hint' }, 'Type numbers above, one per line.'));
    results.replaceChildren(...items);
  }

  function renderExplanation(text: string): HTMLElement {
    const plan = analysis?.plan;
    const box = el('div', { class: 'explanation' });
    if (plan === undefined) return box;
    const e: Explanation = plan.explain(text, locationSelect.value !== '' ? { location: locationSelect.value } : {});
    if (e.location !== undefined) box.append(el('p', {}, `Location: ${e.location}`));
    if (e.prepare !== undefined) {
      box.append(el('h4', {}, 'Prepare'));
      const steps = e.prepare.steps.map((s) => el('li', {}, `${s.kind}: `, el('code', {}, JSON.stringify(s.from)), ' → ', el('code', {}, JSON.stringify(s.to))));
      if (steps.length > 0) box.append(el('ul', {}, ...steps));
      box.append(el('p', {}, 'Result: ', el('code', {}, e.prepare.text), e.prepare.sip ? ' (a SIP address)' : ''));
    }
    for (const t of [e.conversion, e.dialPlan]) if (t !== undefined) box.append(...renderTable(t));
    if (e.unmatched === 'dialPlan') box.append(el('p', {}, "No dial-plan entry matched: the plan's unmatched settings apply."));
    if (e.directory !== undefined) {
      const dir = e.directory;
      box.append(el('h4', {}, 'Directory'));
      box.append(
        el(
          'p',
          {},
          dir.extension === undefined
            ? 'Not an internal extension.'
            : dir.found
              ? `Extension ${dir.extension}: ${dir.kind ?? ''} ${dir.queueName ?? ''}`.trim()
              : `Extension ${dir.extension}: not in the directory.`,
        ),
      );
    }
    if (e.error !== undefined) box.append(el('p', { class: 'hint' }, `Rejected: ${e.error.code} ${e.error.message}`));
    return box;
  }

  function renderTable(t: ExplainedTable): HTMLElement[] {
    const title = t.table === 'inputConversions' ? 'Input conversions' : 'Dial plan';
    const out: HTMLElement[] = [el('h4', {}, `${title}: `, el('code', {}, t.input))];
    const list = el('ol', { start: String((t.considered[0]?.index ?? 0) + 1) });
    for (const c of t.considered) {
      const where = c.position.line !== undefined ? `line ${c.position.line}` : `${t.table}[${c.index}]`;
      const link = el('button', { type: 'button', class: 'entry-link', 'data-line': String(c.position.line ?? '') }, `${c.name}`);
      const li = el('li', { class: c.matched ? 'won' : '', 'data-table': t.table, 'data-entry': String(c.index) }, link, ` (${where}) `, el('code', {}, c.patterns.join(', ')));
      jumpOnClick(li, () => {
        if (c.position.line !== undefined) goToLine(view, c.position.line, c.position.column);
      });
      if (c.match !== undefined) {
        const m = c.match;
        const caps = el('table', { class: 'kv' }, el('tr', {}, el('th', {}, 'matched'), el('td', {}, `${m.pattern} on "${m.matchedText}"`)));
        if (m.carriedExtension !== '') caps.append(el('tr', {}, el('th', {}, 'extension carried'), el('td', {}, m.carriedExtension)));
        // One line for all captures: a pattern of ten wildcards captures ten digits.
        if (m.captures.length > 0) caps.append(el('tr', {}, el('th', {}, 'captures'), el('td', {}, m.captures.map((c) => `${c.token}=${c.text}`).join(' '))));
        li.append(caps);
      }
      list.append(li);
    }
    if (t.considered.length > 0) out.push(list);
    if (t.fellThrough) out.push(el('p', {}, 'No entry matched: the number goes on unchanged.'));
    if (t.templates.length > 0) {
      const tt = el('table', { class: 'kv' });
      for (const tpl of t.templates) tt.append(el('tr', {}, el('th', {}, tpl.field), el('td', {}, tpl.template ?? '(default)'), el('td', {}, '→'), el('td', {}, tpl.value)));
      out.push(tt);
    }
    out.push(el('p', {}, 'Output: ', el('code', {}, t.output)));
    return out;
  }

  function renderTests(): void {
    const list = $('tests');
    const summary = $('tests-summary');
    const a = analysis;
    const report = a?.tests;
    if (a?.plan === undefined || report === undefined) {
      summary.textContent = '(the plan does not load)';
      list.replaceChildren();
      return;
    }
    summary.textContent = report.total === 0 ? 'the plan has no tests: section' : `${report.passed} of ${report.total} passed`;
    const byIndex = new Map<number, InlineTestFailure[]>();
    for (const f of report.failures) byIndex.set(f.index, [...(byIndex.get(f.index) ?? []), f]);
    const items = a.plan.rules.tests.map((t, i) => {
      const failures = byIndex.get(i);
      const pass = failures === undefined;
      const line = failures?.[0]?.position.line ?? a.plan?.positionOf(['tests', i]).line;
      const li = el('li', { class: `test ${pass ? 'pass' : 'fail'}`, 'data-index': String(i), 'data-status': pass ? 'pass' : 'fail', 'data-line': String(line ?? '') });
      const jump = el('button', { type: 'button', class: 'entry-link' }, JSON.stringify(t.input));
      jumpOnClick(li, () => {
        if (line !== undefined) goToLine(view, line);
      });
      li.append(el('span', { class: 'mark', role: 'img', 'aria-label': pass ? 'passed' : 'failed' }, pass ? '✓' : '✗'), ' ', jump);
      if (t.location !== undefined) li.append(` at ${t.location}`);
      if (line !== undefined) li.append(el('span', { class: 'hint' }, ` line ${line}`));
      if (failures !== undefined) {
        const table = el('table', {}, el('tr', {}, el('th', {}, 'field'), el('th', {}, 'expected'), el('th', {}, 'actual')));
        for (const f of failures) {
          table.append(el('tr', { 'data-field': f.field }, el('td', {}, f.field), el('td', { class: 'expected' }, show(f.expected)), el('td', { class: 'actual' }, show(f.actual))));
        }
        li.append(table);
      }
      return li;
    });
    // Failures first: they are what the author is looking for.
    items.sort((x, y) => (x.dataset['status'] === y.dataset['status'] ? 0 : x.dataset['status'] === 'fail' ? -1 : 1));
    list.replaceChildren(...items);
  }

  function renderProblems(): void {
    const all = [...(analysis?.problems ?? []), ...lintProblems];
    $('problems-summary').textContent =
      lintState === 'running' ? `${all.length} so far (linting…)` : all.length === 0 ? 'none' : `${all.length}`;
    $('problems').replaceChildren(
      ...all.map((p) => {
        const li = el('li', { class: `problem ${p.severity}`, 'data-code': p.code, 'data-line': String(p.line ?? ''), 'data-severity': p.severity });
        const jump = el('button', { type: 'button', class: 'entry-link' }, p.line !== undefined ? `${p.line}:${p.column ?? 1}` : 'plan');
        jumpOnClick(li, () => goToLine(view, p.line ?? 1, p.column ?? 1));
        li.append(jump, ' ', el('span', { class: 'code' }, p.code), ' ', p.message);
        return li;
      }),
    );
  }

  /** Which numbers each entry matched, for the analysis and location it was worked out for (see numbersByEntry). */
  let hoverIndex: { readonly analysis: Analysis; readonly location: string; readonly byEntry: ReadonlyMap<string, readonly string[]> } | undefined;

  function entryHover(line: number): HTMLElement | undefined {
    const a = analysis;
    const plan = a?.plan;
    if (a === undefined || plan === undefined) return undefined;
    const entry: EntryRange | undefined = entryAt(a.entries, line);
    if (entry === undefined) return undefined;
    if (hoverIndex === undefined || hoverIndex.analysis !== a || hoverIndex.location !== locationSelect.value) {
      hoverIndex = { analysis: a, location: locationSelect.value, byEntry: numbersByEntry(plan, a.answers.map((ans) => ans.text), locationSelect.value) };
      timings.hoverExplains += a.answers.length;
    }
    const key = `${entry.table}[${entry.index}]`;
    const matched = hoverIndex.byEntry.get(key) ?? [];
    const dom = el('div', { class: 'cm-entry-hover', 'data-entry': key }, el('strong', {}, entry.name), ` (${key})`);
    if (matched.length === 0) dom.append(el('div', {}, `matched none of the ${a.answers.length} numbers`));
    else dom.append(el('div', {}, `matched ${matched.length} of the ${a.answers.length} numbers:`), el('ul', {}, ...matched.map((m) => el('li', {}, m))));
    return dom;
  }

  // ---- starting points, files, save, share ------------------------------------------------------------------------
  const start = $<HTMLSelectElement>('start');
  for (const p of BUNDLED_PLANS) start.append(option(p.id, p.label));
  start.append(option('starter', 'Starter plan for a country…'));
  const country = $<HTMLSelectElement>('country');
  start.addEventListener('change', () => {
    const starter = start.value === 'starter';
    $('starter-options').hidden = !starter;
    if (starter && country.options.length === 0) {
      for (const c of starterCountries()) country.append(option(c, c));
      country.value = 'GB';
    }
  });
  $('load').addEventListener('click', () => {
    if (!confirmDiscard()) return;
    if (start.value === 'starter') {
      try {
        const p = starterPlan(country.value, $<HTMLInputElement>('area-code').value);
        setPlan(p.text, p.file, undefined);
      } catch (e) {
        tell(`No starter plan: ${(e as Error).message}`, true);
      }
      return;
    }
    const p = BUNDLED_PLANS.find((b) => b.id === start.value);
    if (p !== undefined) setPlan(p.text, p.file, p.id === 'default' ? SEED_NUMBERS : undefined);
  });
  const fileInput = $<HTMLInputElement>('file-input');
  $('open').addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const f = fileInput.files?.[0];
    if (f !== undefined) void openFile(f);
    fileInput.value = '';
  });
  // A file dropped anywhere on the page (the editor takes drops on itself).
  document.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
  document.addEventListener('drop', (e) => {
    const f = e.dataTransfer?.files[0];
    if (f === undefined) return;
    e.preventDefault();
    void openFile(f);
  });

  async function openFile(f: File): Promise<void> {
    if (!confirmDiscard()) return;
    if (f.size > MAX_FILE_BYTES) {
      tell(`${f.name} is ${f.size} bytes: larger than the ${MAX_FILE_BYTES}-byte limit of a rule file.`, true);
      return;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await f.arrayBuffer());
    } catch {
      tell(`${f.name} is not UTF-8 text: it cannot be a rule file.`, true);
      return;
    }
    setPlan(text.replace(/^\uFEFF/, ''), f.name, undefined);
  }

  function confirmDiscard(): boolean {
    return !modified || window.confirm('Replace the plan in the editor? Your changes are not saved.');
  }

  /**
   * The editor's text with the line ends of the file it came from: the editor splits lines at \r\n too and gives them
   * back as \n, and a Windows file saved back (or downloaded, or shared) would otherwise change on every line.
   */
  function fileText(): string {
    const text = view.state.doc.toString();
    return eol === '\n' ? text : text.replace(/\n/g, eol);
  }

  function setPlan(text: string, name: string, numbers: string | undefined): void {
    file = name;
    eol = /\r\n/.test(text) ? '\r\n' : '\n';
    $('file-name').textContent = name;
    replaceText(view, text);
    if (numbers !== undefined) numbersBox.value = numbers;
    else {
      // The plan's own test inputs are the numbers its author cares about.
      const docText = view.state.doc.toString();
      const r = load(docText, []);
      if (r.plan !== undefined) {
        if (r.plan.rules.tests.length > 0) numbersBox.value = sampleNumbers(r.plan.rules.tests.map((t) => t.input));
        // The run below answers the numbers with this load (see run's `previous`) instead of loading the text again.
        analysis = r;
        analysedText = docText;
        analysedFile = file;
      }
    }
    modified = false;
    if (timer !== undefined) clearTimeout(timer);
    run();
  }

  function download(): void {
    const url = URL.createObjectURL(new Blob([fileText()], { type: 'application/yaml' }));
    const a = el('a', { href: url, download: file });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    modified = false;
    tell(`Saved ${file} (downloaded).`);
  }
  $('save').addEventListener('click', download);

  if (config !== undefined) {
    const saveButton = $<HTMLButtonElement>('save-file');
    saveButton.hidden = false;
    saveButton.textContent = `Save to ${config.file}`;
    saveButton.title = `Write the plan back to ${config.file}, after a confirmation (Ctrl+S)`;
    saveButton.addEventListener('click', () => void saveToServer(config));
    // One button is "Save": the one that writes the file back (the issue's "a Save button writes it back"); the other
    // keeps the download, under a name that contains neither "Save" nor "Load" (so that each names one button).
    const downloadButton = $<HTMLButtonElement>('save');
    downloadButton.textContent = 'Export';
    downloadButton.title = `Download a copy of the plan as ${config.file} (the file on disk is not changed)`;
  }

  async function saveToServer(c: ServerConfig): Promise<void> {
    if (!window.confirm(`Write the editor's plan to ${c.file}? This replaces the file on disk.`)) return;
    try {
      const r = await fetch(c.saveUrl, {
        method: 'PUT',
        headers: { 'content-type': 'application/yaml; charset=utf-8', 'x-dialplan-token': c.token },
        body: fileText(),
      });
      if (!r.ok) throw new Error(`${r.status} ${(await r.text()).trim()}`);
      modified = false;
      tell(`Saved to ${c.file}.`);
    } catch (e) {
      tell(`Not saved: ${(e as Error).message}`, true);
    }
  }

  $('share').addEventListener('click', () => void share());
  async function share(): Promise<void> {
    // The explanations open are part of the page the link reproduces (they are often why it is shared).
    const explained = [...document.querySelectorAll<HTMLElement>('#results article.number')].filter((n) => n.querySelector('details')?.open).map((n) => n.dataset['number'] ?? '');
    const fragment = await encodeShare({ plan: fileText(), numbers: numbersBox.value, file, location: locationSelect.value, explained });
    if (fragment.length > MAX_LINK_CHARS) {
      tell(`This plan is too large for a link (${fragment.length} characters; browsers keep about ${MAX_LINK_CHARS}): use Save instead.`, true);
      return;
    }
    history.replaceState(null, '', fragment);
    const link = $<HTMLInputElement>('share-link');
    link.value = location.href;
    $('share-box').hidden = false;
    link.focus();
    link.select();
    try {
      await navigator.clipboard.writeText(location.href);
      tell(`Share link copied (${fragment.length} characters; the plan and numbers are in the link, not on a server).`);
    } catch {
      tell(`Share link ready: copy it from the Link field (${fragment.length} characters).`);
    }
  }

  // ---- theme -------------------------------------------------------------------------------------------------------
  const themeButton = $<HTMLButtonElement>('theme');
  const dark = (): boolean => {
    const chosen = document.documentElement.dataset['theme'];
    return chosen !== undefined ? chosen === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
  };
  const showTheme = (): void => {
    themeButton.setAttribute('aria-pressed', String(dark()));
    themeButton.textContent = dark() ? 'Light theme' : 'Dark theme';
  };
  try {
    const saved = localStorage.getItem('dialplan-playground-theme');
    if (saved === 'dark' || saved === 'light') document.documentElement.dataset['theme'] = saved;
  } catch {
    // Storage can be off (file://, private windows): the system's preference applies.
  }
  showTheme();
  // The page follows the system's setting through CSS at once; the button's label and state must follow it too.
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', showTheme);
  themeButton.addEventListener('click', () => {
    const next = dark() ? 'light' : 'dark';
    document.documentElement.dataset['theme'] = next;
    try {
      localStorage.setItem('dialplan-playground-theme', next);
    } catch {
      // As above.
    }
    showTheme();
  });

  numbersBox.addEventListener('input', schedule);
  // Closing the tab with unsaved edits asks first (the browser's own question).
  window.addEventListener('beforeunload', (e) => {
    if (modified) e.preventDefault();
  });
  locationSelect.addEventListener('change', schedule);

  // ---- first state: a share link, the served file, or the default plan ---------------------------------------------
  const handle = {
    view,
    timings,
    getPlan: () => view.state.doc.toString(),
    goToLine: (line: number, column?: number) => goToLine(view, line, column),
    setPlan: (text: string, name = file, numbers?: string) => setPlan(text, name, numbers),
    analyzeNow: () => {
      if (timer !== undefined) clearTimeout(timer);
      run();
    },
    /** Resolves once the debounce has run and the lint worker has answered. */
    idle: () => new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      settle();
    }),
  };
  (window as unknown as { dialplanPlayground: typeof handle }).dialplanPlayground = handle;

  /** Opens the share link in the fragment; false when there is none, the message when it is damaged. */
  async function fromFragment(): Promise<boolean | string> {
    try {
      const s = await decodeShare(location.hash);
      if (s === undefined) return false;
      setPlan(s.plan, s.file, s.numbers);
      if (s.location !== '') {
        locationSelect.value = s.location;
        run();
      }
      const explained = new Set(s.explained ?? []);
      for (const details of document.querySelectorAll<HTMLDetailsElement>('#results article.number details')) {
        const number = details.closest<HTMLElement>('article')?.dataset['number'];
        if (number !== undefined && explained.has(number)) details.open = true;
      }
      return true;
    } catch (e) {
      return (e as Error).message;
    }
  }
  window.addEventListener('hashchange', () => {
    // A share link opened in this tab replaces the editor's text: ask first, as opening a file does.
    if (!location.hash.startsWith(SHARE_PREFIX) || !confirmDiscard()) return;
    void fromFragment().then((r) => {
      if (typeof r === 'string') {
        notice = r;
        sayState();
      }
    });
  });
  const shared = await fromFragment();
  if (shared !== true) {
    if (config !== undefined) setPlan(config.text, config.file, undefined);
    else setPlan(BUNDLED_PLANS[0]?.text ?? '', BUNDLED_PLANS[0]?.file ?? 'plan.yaml', SEED_NUMBERS);
    // Said after the plan's own status line, which would hide it.
    if (typeof shared === 'string') {
      notice = `${shared} The default plan is shown instead.`;
      sayState();
    }
  }
  document.body.dataset['ready'] = 'yes';
}

function readConfig(): ServerConfig | undefined {
  const text = document.getElementById('playground-config')?.textContent ?? 'null';
  try {
    const c = JSON.parse(text) as Partial<ServerConfig> | null;
    if (c !== null && typeof c.file === 'string' && typeof c.text === 'string' && typeof c.saveUrl === 'string' && typeof c.token === 'string') {
      return c as ServerConfig;
    }
  } catch {
    // Not written by the server: a static page.
  }
  return undefined;
}

/**
 * Goes to the line when the item is clicked anywhere, not only on its link (the button, for the keyboard: its click
 * comes here too): "clicking a failure jumps to its line". Not when the click ends a selection of its text.
 */
function jumpOnClick(item: HTMLElement, go: () => void): void {
  item.addEventListener('click', (e) => {
    const selected = window.getSelection();
    if (!(e.target instanceof HTMLButtonElement) && selected !== null && !selected.isCollapsed && item.contains(selected.anchorNode)) return;
    go();
  });
}

function show(v: unknown): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}

function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

/** Builds an element with attributes and children (text or elements). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string>>, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== '') node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** Whether two lists of problems are the same (the page's load problems and the worker's, for the same text). */
function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  return a.length === b.length && (a.length === 0 || JSON.stringify(a) === JSON.stringify(b));
}
