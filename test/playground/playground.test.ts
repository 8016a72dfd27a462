// The rule-authoring playground (issue #18) in a real browser: the page is built by scripts/build-playground.mjs into a
// temporary folder and opened from file:// in headless Chromium (Debian's `chromium`, driven by playwright-core with the
// flags of test/browser.test.ts; never a downloaded browser). One browser for the whole file. Every expected value comes
// from the Node.js engine (or `dialplan query --json` when dist/ is built), never from a literal. Skipped, visibly, where
// /usr/bin/chromium is missing (.ci/run installs it).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETAIL_FIELDS, MAX_INPUT_LENGTH, generateStarterPlan, lintDialPlan, loadDefaultDialPlan, loadDialPlan, runInlineTests, safeLoadDialPlan } from '../../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_YAML = readFileSync(join(ROOT, 'rules/default.yaml'), 'utf8');
/** Where screenshots go for people to look at (git-ignored). */
const ARTIFACTS = join(ROOT, 'test/.artifacts');

/** The fields `dialplan query --json` prints for the numbers: the built CLI when there is one, else the same engine. */
function queryJson(numbers: readonly string[]): Record<string, unknown>[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { dialplan: string } };
  const cli = join(ROOT, pkg.bin.dialplan);
  if (existsSync(cli)) {
    const out = execFileSync(process.execPath, [cli, 'query', '--json', ...numbers], { encoding: 'utf8' });
    return out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  const plan = loadDefaultDialPlan();
  return numbers.map((n) => {
    const d = plan.details(n) as unknown as Record<string, unknown>;
    return Object.fromEntries(DETAIL_FIELDS.map((f) => [f, d[f]]));
  });
}

/** Waits for the page's debounce, analysis and lint worker to finish. */
const idle = (page: Page): Promise<unknown> => page.evaluate('window.dialplanPlayground.idle()');
const editorText = (page: Page): Promise<string> => page.evaluate('window.dialplanPlayground.getPlan()') as Promise<string>;
const cursorLine = (page: Page): Promise<number> =>
  page.evaluate('(() => { const v = window.dialplanPlayground.view; return v.state.doc.lineAt(v.state.selection.main.head).number; })()') as Promise<number>;

/** The numbers' tables as the page shows them: field name (th) and value (the td's JSON). */
async function shownFields(page: Page): Promise<Record<string, unknown>[]> {
  const articles = page.locator('#results article.number');
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < (await articles.count()); i++) {
    const rows = articles.nth(i).locator('table.fields tr');
    const entries: [string, unknown][] = [];
    for (let r = 0; r < (await rows.count()); r++) {
      const name = (await rows.nth(r).locator('th').textContent()) ?? '';
      entries.push([name, JSON.parse((await rows.nth(r).locator('td').getAttribute('data-json')) ?? 'null')]);
    }
    out.push(Object.fromEntries(entries));
  }
  return out;
}

describe.runIf(existsSync(CHROMIUM))('the playground in headless Chromium', () => {
  let dir = '';
  let url = '';
  let browser: Browser;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dialplan-playground-'));
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-playground.mjs'), '--out', dir], { stdio: 'pipe' });
    url = pathToFileURL(join(dir, 'index.html')).href;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the page; a page from file:// must ask for nothing on the network (the served one asks its server). */
  async function open(href = url): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    // Works offline: the page asks for nothing but itself (and the blob: of its lint worker).
    page.on('request', (r) => {
      if (href.startsWith('file:') && !/^(file|blob|data):/.test(r.url())) requests.push(r.url());
    });
    page.on('dialog', (d) => void d.accept());
    await page.goto(href);
    await page.waitForSelector('body[data-ready="yes"]', { timeout: 20_000 });
    await idle(page);
    return page;
  }

  it('(a) loads the default plan and shows for 1-800-456-2354 and 6929 exactly the fields dialplan query --json prints', async () => {
    const page = await open();
    await page.selectOption('#start', 'default');
    await page.click('#load');
    await page.fill('#numbers', '');
    await page.locator('#numbers').pressSequentially('1-800-456-2354\n6929');
    await idle(page);
    expect(await editorText(page)).toBe(DEFAULT_YAML);
    const expected = queryJson(['1-800-456-2354', '6929']);
    const shown = await shownFields(page);
    expect(shown).toEqual(expected);
    // Same fields in the same order as the CLI's JSON.
    expect(shown.map((s) => Object.keys(s))).toEqual(expected.map((e) => Object.keys(e)));
    expect(Object.keys(shown[0] ?? {})).toHaveLength(13);
    // What people read is the value as the CLI's JSON prints it (a string without its quotes), queueType too (its name,
    // "None", comes from the style sheet, outside the cell's text).
    const cells = await page.locator('#results article.number').evaluateAll((els) =>
      els.map((a) => Object.fromEntries([...a.querySelectorAll('table.fields tr')].map((r) => [r.querySelector('th')?.textContent, r.querySelector('td')?.textContent]))),
    );
    expect(cells).toEqual(expected.map((e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))));
    // And what a screen reader reads (the accessible name, which CSS generated text would join).
    for (const [i, e] of expected.entries()) {
      const row = page.locator('#results article.number').nth(i).getByRole('row', { name: `queueType ${String(e['queueType'])}`, exact: true });
      expect(await row.count()).toBe(1);
    }
    expect(await page.locator('#results article.number').evaluateAll((els) => els.map((e) => e.getAttribute('data-number')))).toEqual([
      '1-800-456-2354',
      '6929',
    ]);
    // The inline tests of the default plan all pass, as the Node.js engine says.
    const report = runInlineTests(loadDefaultDialPlan());
    expect(await page.locator('#tests li[data-status="pass"]').count()).toBe(report.passed);
    expect(await page.locator('#tests li[data-status="fail"]').count()).toBe(0);
    await page.close();
  }, 60_000);

  it('(b) a mistake in the YAML is underlined on its line with its code (hover, gutter and Problems list)', async () => {
    const page = await open();
    const lines = DEFAULT_YAML.split('\n');
    const lineNo = lines.indexOf('    match: NXXNXXXXXX') + 1;
    expect(lineNo).toBeGreaterThan(0);
    await page.evaluate(`window.dialplanPlayground.goToLine(${lineNo})`);
    await page.keyboard.press('End');
    await page.keyboard.type('Z1');
    await idle(page);
    const edited = await editorText(page);
    expect(edited.split('\n')[lineNo - 1]).toBe('    match: NXXNXXXXXXZ1');
    const node = safeLoadDialPlan(edited, { file: 'default.yaml' });
    expect(node.ok).toBe(false);
    const problem = node.ok ? undefined : node.problems[0];
    expect(problem?.line).toBe(lineNo);
    // The Problems list names the code at the line.
    const listed = page.locator(`#problems li[data-code="${problem?.code}"][data-line="${lineNo}"]`);
    await expect.poll(() => listed.count()).toBe(1);
    expect(await listed.textContent()).toContain(problem?.message ?? '?');
    // The editor underlines it; hovering the underline shows the message and the code.
    const underline = page.locator('.cm-lintRange-error').first();
    await underline.scrollIntoViewIfNeeded();
    const lineOfUnderline = await page.evaluate(
      `(() => { const v = window.dialplanPlayground.view; const el = document.querySelector('.cm-lintRange-error'); return v.state.doc.lineAt(v.posAtDOM(el)).number; })()`,
    );
    expect(lineOfUnderline).toBe(lineNo);
    await underline.hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await tooltip.waitFor({ timeout: 5_000 });
    expect(await tooltip.textContent()).toContain(problem?.code ?? '?');
    expect(await tooltip.textContent()).toContain(problem?.message ?? '?');
    expect(await page.locator('#status').textContent()).toContain('does not load');
    // Clicking the problem puts the cursor on its line.
    await page.evaluate('window.dialplanPlayground.goToLine(1)');
    await listed.locator('button').click();
    expect(await cursorLine(page)).toBe(lineNo);
    await page.close();
  }, 60_000);

  it('lint findings come from the worker to their line as the author types a pattern, then a name (the analysis reused)', async () => {
    const page = await open();
    const lines = DEFAULT_YAML.split('\n');
    const matchLine = lines.indexOf('    match: [X, XX, XXX, XXXX, XXXXX, XXXXXX]') + 1;
    expect(matchLine).toBeGreaterThan(0);
    const listed = async (): Promise<string[]> =>
      page.locator('#problems li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-code')} ${e.getAttribute('data-line')} ${e.textContent}`));
    const expected = (text: string): string[] => {
      const r = safeLoadDialPlan(text, { file: 'default.yaml' });
      return r.ok ? [...r.warnings, ...lintDialPlan(r.plan)].map((p) => `${p.code} ${p.line}`) : [];
    };
    // A Z typed after the Extension entry's first X: every string of "International, dialed with 011" starts with a digit.
    await page.evaluate(`window.dialplanPlayground.goToLine(${matchLine}, 14)`);
    await page.keyboard.type('Z');
    await idle(page);
    let text = await editorText(page);
    expect(text.split('\n')[matchLine - 1]).toBe('    match: [XZ, XX, XXX, XXXX, XXXXX, XXXXXX]');
    let shown = await listed();
    expect(shown.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(expected(text));
    const hidden = lines.indexOf('  - name: International, dialed with 011') + 1;
    expect(shown.find((l) => l.startsWith(`UNREACHABLE_ENTRY ${hidden} `))).toContain('is taken by #13 "Extension"');
    // A name typed: the same analysis, the new name in the message.
    await page.evaluate(`window.dialplanPlayground.goToLine(${matchLine - 1}, 1000)`);
    await page.keyboard.type(' 2');
    await idle(page);
    text = await editorText(page);
    shown = await listed();
    expect(shown.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(expected(text));
    expect(shown.find((l) => l.startsWith(`UNREACHABLE_ENTRY ${hidden} `))).toContain('is taken by #13 "Extension 2"');
    // The Z taken out again: the entry is reachable.
    await page.evaluate(`window.dialplanPlayground.goToLine(${matchLine}, 15)`);
    await page.keyboard.press('Backspace');
    await idle(page);
    shown = await listed();
    expect(shown.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(expected(await editorText(page)));
    expect(shown.some((l) => l.startsWith('UNREACHABLE_ENTRY'))).toBe(false);
    // Typed with pauses longer than the worker's early start and shorter than the page's: the worker starts on each
    // text in between, and only the findings of the last one are underlined.
    const lints = (await page.evaluate('window.dialplanPlayground.timings.lints')) as number;
    await page.evaluate(`window.dialplanPlayground.goToLine(${matchLine}, 14)`);
    await page.keyboard.type('123', { delay: 90 });
    await idle(page);
    text = await editorText(page);
    expect(text.split('\n')[matchLine - 1]).toBe('    match: [X123, XX, XXX, XXXX, XXXXX, XXXXXX]');
    shown = await listed();
    expect(shown.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(expected(text));
    expect(await page.evaluate('window.dialplanPlayground.timings.lints')).toBe(lints + 1);
    await page.close();
  }, 60_000);

  it('(c) a broken inline test fails live with its expected and actual values, and jumps to its line', async () => {
    const page = await open();
    const lines = DEFAULT_YAML.split('\n');
    const index = lines.findIndex((l) => l.includes('input: "6929"') && l.includes('queueName: "User Queue:jdoe"'));
    expect(index).toBeGreaterThan(0);
    const column = (lines[index] ?? '').indexOf('jdoe"') + 'jdoe'.length + 1;
    await page.evaluate(`window.dialplanPlayground.goToLine(${index + 1}, ${column})`);
    await page.keyboard.type('X');
    await idle(page);
    const edited = await editorText(page);
    const node = safeLoadDialPlan(edited, { file: 'default.yaml' });
    expect(node.ok).toBe(true);
    const failures = node.ok ? runInlineTests(node.plan).failures : [];
    expect(failures).toHaveLength(1);
    const failure = failures[0];
    const item = page.locator(`#tests li[data-status="fail"][data-index="${failure?.index}"]`);
    await expect.poll(() => item.count()).toBe(1);
    // The mark says "failed" to a screen reader too (an aria-label on a plain span is not read).
    expect(await item.getByRole('img', { name: 'failed', exact: true }).count()).toBe(1);
    const row = item.locator(`tr[data-field="${failure?.field}"]`);
    expect(await row.locator('.expected').textContent()).toBe(JSON.stringify(failure?.expected));
    expect(await row.locator('.actual').textContent()).toBe(JSON.stringify(failure?.actual));
    expect(JSON.stringify(failure?.expected)).toContain('jdoeX');
    expect(await page.locator('#tests-summary').textContent()).toContain(`${node.ok ? runInlineTests(node.plan).passed : -1} of`);
    await page.evaluate('window.dialplanPlayground.goToLine(1)');
    await item.locator('button').first().click();
    expect(await cursorLine(page)).toBe(failure?.position.line);
    // Anywhere on the failure, not only its link: its actual value, then its middle.
    await page.evaluate('window.dialplanPlayground.goToLine(1)');
    await row.locator('.actual').click();
    expect(await cursorLine(page)).toBe(failure?.position.line);
    await page.evaluate('window.dialplanPlayground.goToLine(1)');
    await item.click();
    expect(await cursorLine(page)).toBe(failure?.position.line);
    // A problem too, clicked on its message.
    const problem = page.locator('#problems li').first();
    const problemLine = Number(await problem.getAttribute('data-line'));
    await page.evaluate('window.dialplanPlayground.goToLine(1)');
    await problem.locator('.code').click();
    expect(await cursorLine(page)).toBe(problemLine);
    await page.close();
  }, 60_000);

  it('(d) a Share link opened in a fresh page reproduces the plan and the numbers', async () => {
    const page = await open();
    await page.evaluate('window.dialplanPlayground.goToLine(5)');
    await page.keyboard.press('End');
    await page.keyboard.type(' (shared)');
    await page.fill('#numbers', '317-555-1234 x12\n911\n+44 20 7946 0958');
    await idle(page);
    // An explanation open is part of the page the link reproduces.
    await page.locator('#results article.number[data-number="911"] summary').click();
    await page.click('#share');
    const link = page.locator('#share-link');
    await expect.poll(() => link.inputValue()).toMatch(/#v1=[A-Za-z0-9_-]+$/);
    const href = await link.inputValue();
    const plan = await editorText(page);
    const fields = await shownFields(page);
    expect(plan).toContain('name: Default NANP site (area code 317) (shared)');

    const fresh = await open(href);
    expect(await editorText(fresh)).toBe(plan);
    expect(await fresh.inputValue('#numbers')).toBe('317-555-1234 x12\n911\n+44 20 7946 0958');
    expect(await shownFields(fresh)).toEqual(fields);
    expect(fields).toHaveLength(3);
    await fresh.locator('.explanation').first().waitFor();
    const openIn = (p: Page): Promise<(string | null)[]> =>
      p.locator('#results article.number:has(details[open] .explanation)').evaluateAll((els) => els.map((e) => e.getAttribute('data-number')));
    expect(await openIn(fresh)).toEqual(['911']);
    expect(await fresh.locator('.explanation').first().textContent()).toBe(await page.locator('.explanation').first().textContent());
    // A damaged link says so instead of failing silently.
    const broken = await open(href.slice(0, -12) + '!!');
    expect(await broken.locator('#status').textContent()).toMatch(/damaged/);
    await Promise.all([page.close(), fresh.close(), broken.close()]);
  }, 60_000);

  it.runIf(existsSync(join(ROOT, 'dist/node/cli/main.js')) && existsSync(join(ROOT, 'dist/playground/index.html')))(
    'dialplan playground --rules FILE: the page opens the file, and Save to FILE writes the edit back after the confirmation',
    async () => {
      const work = mkdtempSync(join(tmpdir(), 'dialplan-playground-cli-'));
      const rules = join(work, 'site.yaml');
      writeFileSync(rules, DEFAULT_YAML);
      const child = spawn(process.execPath, [join(ROOT, 'dist/node/cli/main.js'), 'playground', '--rules', rules], { cwd: work });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      try {
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        for (let i = 0; i < 200 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
        // Nothing the served page asks for fails (a browser asks for /favicon.ico unless the page names its icon).
        const consoleErrors: string[] = [];
        const watch = await browser.newPage();
        watch.on('console', (m) => {
          if (m.type() === 'error') consoleErrors.push(m.text());
        });
        await watch.goto(out.trim());
        await watch.waitForSelector('body[data-ready="yes"]', { timeout: 20_000 });
        await watch.waitForTimeout(500);
        await watch.close();
        expect(consoleErrors).toEqual([]);
        const page = await open(out.trim());
        expect(await page.locator('#file-name').textContent()).toBe('site.yaml');
        expect(await editorText(page)).toBe(DEFAULT_YAML);
        await page.evaluate('window.dialplanPlayground.goToLine(5)');
        await page.keyboard.press('End');
        await page.keyboard.type(' (edited in the page)');
        await idle(page);
        const dialogs: string[] = [];
        page.on('dialog', (d) => void dialogs.push(d.message()));
        // One button is named Save (the issue: "a Save button writes it back after a confirmation"); the download is
        // "Export" beside it (a name without "Save" or "Load", so that each of those names one button).
        const save = page.getByRole('button', { name: 'Save' });
        expect(await save.count()).toBe(1);
        expect(await save.getAttribute('id')).toBe('save-file');
        for (const name of ['Export', 'Load', 'Share', 'Open file']) expect(await page.getByRole('button', { name }).count(), name).toBe(1);
        await save.click();
        await expect.poll(() => page.locator('#status').textContent()).toContain('Saved to site.yaml');
        expect(dialogs.join()).toContain('site.yaml');
        expect(readFileSync(rules, 'utf8')).toBe(await editorText(page));
        expect(readFileSync(rules, 'utf8')).toContain('(edited in the page)');
        // Ctrl+S in the editor does what Save does: the file, after the confirmation.
        await page.evaluate('window.dialplanPlayground.goToLine(5)');
        await page.keyboard.press('End');
        await page.keyboard.type(' again');
        await page.keyboard.press('Control+s');
        await expect.poll(() => readFileSync(rules, 'utf8')).toContain('(edited in the page) again');
        expect(dialogs).toHaveLength(2);
        await page.close();
      } finally {
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        rmSync(work, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('starts from a bundled plan, a starter plan for a country (init) and an opened file; refuses a file that is not UTF-8', async () => {
    const page = await open();
    // gb classifies by number type: the page must answer as the Node.js engine (libphonenumber-js "max" metadata).
    const gb = readFileSync(join(ROOT, 'rules/gb.yaml'), 'utf8');
    await page.selectOption('#start', 'gb');
    await page.click('#load');
    await idle(page);
    expect(await editorText(page)).toBe(gb);
    expect(await page.locator('#file-name').textContent()).toBe('gb.yaml');
    const report = runInlineTests(loadDialPlan(gb, { file: 'gb.yaml' }));
    expect(report.failures).toEqual([]);
    expect(await page.locator('#tests-summary').textContent()).toBe(`${report.passed} of ${report.total} passed`);
    const gbNumbers = (await page.inputValue('#numbers')).split('\n');
    expect(gbNumbers.length).toBeGreaterThan(0);
    const gbPlan = loadDialPlan(gb);
    const expected = gbNumbers.map((n) => {
      const d = gbPlan.details(n) as unknown as Record<string, unknown>;
      return Object.fromEntries(DETAIL_FIELDS.map((f) => [f, d[f]]));
    });
    expect(await shownFields(page)).toEqual(expected);
    // A starter plan is what dialplan init writes.
    await page.selectOption('#start', 'starter');
    await page.selectOption('#country', 'DE');
    await page.fill('#area-code', '30');
    await page.click('#load');
    await idle(page);
    expect(await editorText(page)).toBe(generateStarterPlan({ country: 'DE', areaCode: '30' }));
    expect(await page.locator('#file-name').textContent()).toBe('de.yaml');
    expect(await page.locator('#tests li[data-status="fail"]').count()).toBe(0);
    // A file opened from disk.
    await page.setInputFiles('#file-input', { name: 'mine.yaml', mimeType: 'text/yaml', buffer: Buffer.from(DEFAULT_YAML) });
    await expect.poll(() => page.locator('#file-name').textContent()).toBe('mine.yaml');
    expect(await editorText(page)).toBe(DEFAULT_YAML);
    await page.setInputFiles('#file-input', { name: 'latin1.yaml', mimeType: 'text/yaml', buffer: Buffer.from('name: caf\xe9\n', 'latin1') });
    await expect.poll(() => page.locator('#status').textContent()).toContain('latin1.yaml is not UTF-8');
    expect(await editorText(page)).toBe(DEFAULT_YAML);
    await page.close();
  }, 60_000);

  it('is usable with the keyboard alone: Tab through the controls, into the editor and out, numbers, an explanation', async () => {
    const page = await open();
    const focused = (): Promise<string> => page.evaluate('document.activeElement.id || document.activeElement.className') as Promise<string>;
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('start');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('load');
    const stops: string[] = [];
    for (let i = 0; i < 8 && !stops.includes('cm-content'); i++) {
      await page.keyboard.press('Tab');
      stops.push(await focused());
    }
    // The hidden share link is not a stop; the editor is.
    expect(stops).toEqual(['open', 'save', 'share', 'theme', 'cm-content']);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n# typed');
    // Tab is not captured by the editor: it moves on to the numbers.
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('numbers');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('6929');
    await idle(page);
    expect((await editorText(page)).endsWith('\n# typed')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.tagName')).toBe('SUMMARY');
    await page.keyboard.press('Enter');
    await page.locator('.explanation').waitFor();
    expect(await page.locator('#results article.number').getAttribute('data-number')).toBe('6929');
    await page.close();
  }, 60_000);

  it('asks before a share link opened in the same tab replaces unsaved edits', async () => {
    const source = await open();
    await source.fill('#numbers', '911');
    await idle(source);
    await source.click('#share');
    await expect.poll(() => source.locator('#share-link').inputValue()).toMatch(/#v1=/);
    const fragment = new URL(await source.locator('#share-link').inputValue()).hash;
    const shared = await editorText(source);
    await source.close();

    const page = await browser.newPage();
    const asked: string[] = [];
    let answer = false;
    page.on('dialog', (d) => {
      asked.push(d.type());
      void (answer ? d.accept() : d.dismiss());
    });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="yes"]', { timeout: 20_000 });
    await page.evaluate('window.dialplanPlayground.goToLine(1)');
    await page.keyboard.type('# my unsaved edit\n');
    await idle(page);
    const edited = await editorText(page);
    expect(edited).not.toBe(shared);
    // Declined: the edits stay.
    await page.evaluate(`location.hash = ${JSON.stringify(fragment)}`);
    await expect.poll(() => asked.length).toBe(1);
    await idle(page);
    expect(await editorText(page)).toBe(edited);
    // Accepted: the link's plan and numbers replace them.
    answer = true;
    await page.evaluate(`location.hash = ''`);
    await page.evaluate(`location.hash = ${JSON.stringify(fragment)}`);
    await expect.poll(() => editorText(page)).toBe(shared);
    expect(await page.inputValue('#numbers')).toBe('911');
    expect(asked).toEqual(['confirm', 'confirm']);
    await page.close();
  }, 60_000);

  it('is driven by its labels and roles: each names one control (Start from, Numbers, Explain, Share, Save)', async () => {
    const page = await open();
    // A group or a region named like a control would make these ambiguous (Playwright's strict mode refuses them).
    for (const label of ['Start from', 'Numbers', 'Dial plan (YAML)']) expect(await page.getByLabel(label).count(), label).toBe(1);
    for (const name of ['Load', 'Open file', 'Save', 'Share']) expect(await page.getByRole('button', { name }).count(), name).toBe(1);
    await page.getByLabel('Start from').selectOption('de');
    await page.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.locator('#file-name').textContent()).toBe('de.yaml');
    await page.getByLabel('Numbers').fill('030 1234567\n112');
    await idle(page);
    const explain = page.getByRole('button', { name: 'Explain' });
    expect(await explain.count()).toBe(2);
    expect(await explain.first().getAttribute('aria-expanded')).toBe('false');
    await explain.first().click();
    await page.locator('.explanation').first().waitFor();
    expect(await explain.first().getAttribute('aria-expanded')).toBe('true');
    await page.close();
  }, 60_000);

  it('keeps a file\'s Windows line ends (\\r\\n) when it is downloaded after an edit', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    page.on('dialog', (d) => void d.accept());
    await page.goto(url);
    await page.waitForSelector('body[data-ready="yes"]', { timeout: 20_000 });
    await idle(page);
    const crlf = DEFAULT_YAML.replace(/\n/g, '\r\n');
    await page.setInputFiles('#file-input', { name: 'windows.yaml', mimeType: 'text/yaml', buffer: Buffer.from(crlf) });
    await expect.poll(() => page.locator('#file-name').textContent()).toBe('windows.yaml');
    await idle(page);
    // The plan loads as from disk: same tests, no problem of its own.
    expect(await page.locator('#tests li[data-status="fail"]').count()).toBe(0);
    await page.evaluate('window.dialplanPlayground.goToLine(5)');
    await page.keyboard.press('End');
    await page.keyboard.type(' (edited)');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const saved = readFileSync(await download.path(), 'utf8');
    expect(download.suggestedFilename()).toBe('windows.yaml');
    expect(saved).toBe(crlf.replace('name: Default NANP site (area code 317)', 'name: Default NANP site (area code 317) (edited)'));
    await page.close();
  }, 60_000);

  it('fills the numbers from the plan\'s test inputs once each, without empty lines', async () => {
    const page = await open();
    const yaml = [
      'name: t',
      'classifications: [A]',
      'locations: { one: { areaCode: "317" }, two: { areaCode: "312" } }',
      'dialPlan:',
      '  - { name: a, match: "XXXX", classification: A }',
      'tests:',
      '  - { input: "1234", expect: { defaultClassification: A } }',
      '  - { input: "1234", location: two, expect: { defaultClassification: A } }',
      '  - { input: "", expect: { error: EMPTY } }',
      '  - { input: "5678", expect: { defaultClassification: A } }',
      '',
    ].join('\n');
    expect(runInlineTests(loadDialPlan(yaml)).failures).toEqual([]);
    await page.setInputFiles('#file-input', { name: 'two.yaml', mimeType: 'text/yaml', buffer: Buffer.from(yaml) });
    await expect.poll(() => page.locator('#file-name').textContent()).toBe('two.yaml');
    expect(await page.inputValue('#numbers')).toBe('1234\n5678');
    await page.close();
  }, 60_000);

  it('shows from the keyboard which numbers the entry at the cursor matched (Ctrl+K Ctrl+I; Escape closes it)', async () => {
    const page = await open();
    const line = DEFAULT_YAML.split('\n').indexOf('  - name: Toll free') + 1;
    expect(line).toBeGreaterThan(0);
    await page.evaluate(`window.dialplanPlayground.goToLine(${line + 1})`);
    const info = page.locator('.cm-entry-hover');
    expect(await info.count()).toBe(0);
    await page.keyboard.press('Control+k');
    await page.keyboard.press('Control+i');
    await info.waitFor({ timeout: 5_000 });
    expect(await info.getAttribute('data-entry')).toBe('dialPlan[6]');
    expect(await info.textContent()).toContain('1-800-456-2354');
    expect(await info.textContent()).not.toContain('6929');
    await page.keyboard.press('Escape');
    await expect.poll(() => info.count()).toBe(0);
    // Outside any entry there is nothing to show, and the keys change nothing.
    const text = await editorText(page);
    await page.evaluate('window.dialplanPlayground.goToLine(1)');
    await page.keyboard.press('Control+k');
    await page.keyboard.press('Control+i');
    expect(await info.count()).toBe(0);
    expect(await editorText(page)).toBe(text);
    await page.close();
  }, 60_000);

  it('the entry hover explains the numbers once per analysis, not at every hover (a 1 000-entry plan stalled as the mouse moved)', async () => {
    const page = await open();
    const numbers = ['1-800-456-2354', '6929', '317-555-1234', '+44 20 7946 0958', '911'];
    await page.fill('#numbers', numbers.join('\n'));
    await idle(page);
    const plan = loadDefaultDialPlan();
    /** What the hover lists for an entry: the numbers whose explanation names it as the match, as the Node.js engine says. */
    const matchedBy = (table: string, index: number): string[] =>
      numbers.filter((n) => {
        const e = plan.explain(n);
        return [e.conversion, e.dialPlan].some((t) => t?.table === table && t.considered.some((c) => c.matched && c.index === index));
      });
    const hoverExplains = (): Promise<number> => page.evaluate('window.dialplanPlayground.timings.hoverExplains') as Promise<number>;
    const info = page.locator('.cm-entry-hover');
    const lines = DEFAULT_YAML.split('\n');
    const hoverAt = async (name: string): Promise<string> => {
      await page.evaluate(`window.dialplanPlayground.goToLine(${lines.indexOf(`  - name: ${name}`) + 2})`);
      await page.keyboard.press('Control+k');
      await page.keyboard.press('Control+i');
      await info.waitFor({ timeout: 5_000 });
      const text = (await info.textContent()) ?? '';
      await page.keyboard.press('Escape');
      await expect.poll(() => info.count()).toBe(0);
      return text;
    };
    const before = await hoverExplains();
    // Three hovers, on two entries of two tables: the same lists as the engine's explanations, for one pass over the numbers.
    for (const [name, table, index] of [['Toll free', 'dialPlan', 6], ['Ten-digit number', 'inputConversions', 1], ['Toll free', 'dialPlan', 6]] as const) {
      const text = await hoverAt(name);
      const want = matchedBy(table, index);
      expect(want.length, name).toBeGreaterThan(0);
      expect(text).toContain(`matched ${want.length} of the ${numbers.length} numbers`);
      for (const n of want) expect(text).toContain(n);
    }
    expect((await hoverExplains()) - before).toBe(numbers.length);
    // A new analysis (the numbers changed) is explained again, once.
    await page.fill('#numbers', numbers.slice(0, 2).join('\n'));
    await idle(page);
    expect(await hoverAt('Toll free')).toContain('matched 1 of the 2 numbers');
    await hoverAt('Ten-digit number');
    expect((await hoverExplains()) - before).toBe(numbers.length + 2);
    await page.close();
  }, 60_000);

  it('a very long line in the numbers stays inside its box, with its verdict in sight (it pushed "rejected: TOO_LONG" off the page)', async () => {
    const page = await open();
    const tooLong = '1'.repeat(300);
    const sip = `sip:${'a'.repeat(200)}@example.com`;
    await page.fill('#numbers', [tooLong, sip, '6929'].join('\n'));
    await idle(page);
    const plan = loadDefaultDialPlan();
    const rejected = plan.query(tooLong);
    expect(rejected.ok).toBe(false);
    expect(plan.query(sip).ok).toBe(true);
    const articles = page.locator('#results article.number');
    expect(await articles.evaluateAll((els) => els.map((e) => e.getAttribute('data-number')))).toEqual([tooLong, sip, '6929']);
    for (let i = 0; i < 2; i++) await articles.nth(i).locator('summary').click();
    await page.locator('.explanation').nth(1).waitFor();
    // Nothing wider than the side pane: no sideways scrolling to find a verdict.
    const [scroll, client] = (await page.evaluate("[document.querySelector('#side').scrollWidth, document.querySelector('#side').clientWidth]")) as [number, number];
    expect(scroll).toBeLessThanOrEqual(client);
    // Each heading's verdict (the code of a rejected number, the classification of the others) lies inside its box.
    for (let i = 0; i < 3; i++) {
      const box = await articles.nth(i).boundingBox();
      const verdict = await articles.nth(i).locator('h3 > .hint').boundingBox();
      expect(box && verdict && verdict.x >= box.x && verdict.x + verdict.width <= box.x + box.width + 0.5, `number ${i}`).toBe(true);
    }
    expect(await articles.nth(0).locator('h3 > .hint').textContent()).toBe(`rejected: ${rejected.ok ? '' : rejected.error.code}`);
    // The heading cuts a line longer than any number (MAX_INPUT_LENGTH) and says how long it was; the SIP address is whole.
    expect(await articles.nth(0).locator('h3 > .number-text').textContent()).toBe(`${'1'.repeat(MAX_INPUT_LENGTH)}… (300 characters)`);
    expect(await articles.nth(1).locator('h3 > .number-text').textContent()).toBe(sip);
    await page.close();
  }, 60_000);

  it('a message about an action (a file refused, a save) stays when lint of the plan finishes after it (it was replaced)', async () => {
    const page = await open();
    // A plan whose first lint takes a while (a thousand overlapping patterns), so that it ends after the next action.
    const { PLAN_KINDS } = (await import(new URL('../../bench/plans.js', import.meta.url).href)) as { PLAN_KINDS: Record<string, (n: number) => unknown> };
    const { stringify } = await import('yaml');
    const big = stringify(PLAN_KINDS['overlap']?.(1000));
    await page.setInputFiles('#file-input', { name: 'big.yaml', mimeType: 'text/yaml', buffer: Buffer.from(big) });
    await expect.poll(() => page.locator('#file-name').textContent()).toBe('big.yaml');
    await page.setInputFiles('#file-input', { name: 'latin1.yaml', mimeType: 'text/yaml', buffer: Buffer.from('name: caf\xe9\n', 'latin1') });
    await expect.poll(() => page.locator('#status').textContent()).toContain('latin1.yaml is not UTF-8');
    const lints = (await page.evaluate('window.dialplanPlayground.timings.lints')) as number;
    await idle(page);
    // Lint of big.yaml has finished (its findings are listed), and the message is still there.
    expect(await page.evaluate('window.dialplanPlayground.timings.lints')).toBeGreaterThan(lints);
    expect(await page.locator('#status').textContent()).toContain('latin1.yaml is not UTF-8');
    expect(await page.locator('#problems li').count()).toBeGreaterThan(0);
    // The next change of the text brings the plan's state back.
    await page.evaluate('window.dialplanPlayground.goToLine(1)');
    await page.keyboard.press('End');
    await page.keyboard.type(' # edited');
    await idle(page);
    expect(await page.locator('#status').textContent()).toMatch(/^big\.yaml: loaded in \d+ ms · lint: \d+ findings? · tests:/);
    await page.close();
  }, 60_000);

  it('an edit of the numbers alone answers them without loading the plan again (a 1 000-entry plan took 40 to 200 ms a pause); a file opened is loaded once', async () => {
    const page = await open();
    const loads = (): Promise<number> => page.evaluate('window.dialplanPlayground.timings.loads') as Promise<number>;
    const before = await loads();
    expect(before).toBeGreaterThan(0);
    await page.fill('#numbers', '');
    await page.locator('#numbers').pressSequentially('1-800-456-2354\n6929\n317 555 1234');
    await idle(page);
    expect(await shownFields(page)).toEqual(queryJson(['1-800-456-2354', '6929', '317 555 1234']));
    expect(await loads()).toBe(before);
    // An edit of the text loads it again, and the numbers are answered by the new plan.
    const lines = DEFAULT_YAML.split('\n');
    const line = lines.indexOf('    display: ({classification}) 1 ({tollFree}) NXX-XXXX') + 1;
    expect(line).toBeGreaterThan(0);
    await page.evaluate(`window.dialplanPlayground.goToLine(${line})`);
    await page.keyboard.press('End');
    await page.keyboard.type(' free');
    await idle(page);
    expect(await loads()).toBe(before + 1);
    const edited = loadDialPlan((await editorText(page)), { file: 'default.yaml' });
    expect((await shownFields(page))[0]?.['displayText']).toBe(edited.details('1-800-456-2354').displayText);
    expect(String((await shownFields(page))[0]?.['displayText'])).toMatch(/ free$/);
    // And the numbers again: that plan is kept.
    await page.locator('#numbers').press('End');
    await page.locator('#numbers').pressSequentially('\n911');
    await idle(page);
    expect(await loads()).toBe(before + 1);
    const shown = await shownFields(page);
    expect(shown.map((f) => f['rawText'])).toEqual(['1-800-456-2354', '6929', '317 555 1234', '911']);
    expect(shown[3]).toEqual(Object.fromEntries(DETAIL_FIELDS.map((f) => [f, (edited.details('911') as unknown as Record<string, unknown>)[f]])));
    expect(shown[0]?.['displayText']).toBe(edited.details('1-800-456-2354').displayText);
    // A file opened is loaded once: for its test inputs, which fill the numbers, and for their answers (it was twice).
    const gb = readFileSync(join(ROOT, 'rules/gb.yaml'), 'utf8');
    await page.setInputFiles('#file-input', { name: 'gb.yaml', mimeType: 'text/yaml', buffer: Buffer.from(gb) });
    await expect.poll(() => page.locator('#file-name').textContent()).toBe('gb.yaml');
    await idle(page);
    expect(await loads()).toBe(before + 2);
    const gbPlan = loadDialPlan(gb, { file: 'gb.yaml' });
    const inputs = (await page.inputValue('#numbers')).split('\n');
    expect(inputs.length).toBeGreaterThan(1);
    expect(await shownFields(page)).toEqual(inputs.map((n) => Object.fromEntries(DETAIL_FIELDS.map((f) => [f, (gbPlan.details(n) as unknown as Record<string, unknown>)[f]]))));
    expect(await page.locator('#tests li[data-status="pass"]').count()).toBe(runInlineTests(gbPlan).passed);
    await page.close();
  }, 60_000);

  it('before a load that holds the page (a paste of megabytes), the status line says so and is painted first', async () => {
    const page = await open();
    // Every text the status line shows, in order: when it came, and when the next frame after it began (the text is on
    // the screen from that frame on).
    await page.evaluate(`(() => {
      const status = document.querySelector('#status');
      window.statusTexts = [];
      new MutationObserver(() => {
        const entry = { text: status.textContent, at: performance.now(), frameAt: Infinity };
        window.statusTexts.push(entry);
        requestAnimationFrame(() => { entry.frameAt = performance.now(); });
      }).observe(status, { childList: true, characterData: true, subtree: true });
    })()`);
    // Over a megabyte, mostly comments (quick to load, so that the test stays short; the size alone calls for the notice).
    const comment = `# ${'x'.repeat(98)}\n`.repeat(11_000);
    const text = `name: large\nclassifications: [Local]\n${comment}dialPlan:\n  - { name: e, match: "+1Z", classification: Local }\n`;
    expect(text.length).toBeGreaterThan(1_000_000);
    // A paste: the editor's text replaced in one change, as the user's edit (not the page's own setPlan).
    await page.evaluate((t) => {
      const v = (globalThis as unknown as { dialplanPlayground: { view: { state: { doc: { length: number } }; dispatch(tr: unknown): void } } }).dialplanPlayground.view;
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t } });
    }, text);
    await idle(page);
    const seen = (await page.evaluate('window.statusTexts')) as { text: string; at: number; frameAt: number }[];
    const loading = seen.findIndex((s) => s.text.startsWith('Loading default.yaml ('));
    expect(loading, JSON.stringify(seen.map((s) => s.text))).toBeGreaterThanOrEqual(0);
    expect(seen[loading]?.text).toMatch(/^Loading default\.yaml \(\d+ KB\)…$/);
    // A frame showed it before the load replaced it with the plan's state.
    expect(seen[loading]?.frameAt ?? Infinity).toBeLessThan(seen[loading + 1]?.at ?? 0);
    expect(await page.locator('#status').textContent()).toMatch(/^default\.yaml: loaded in \d+ ms/);
    expect(safeLoadDialPlan(text).ok).toBe(true);
    await page.close();
  }, 60_000);

  it('the theme button names the other theme, also when the system switches while the page is open', async () => {
    const page = await open();
    const theme = (): Promise<unknown> =>
      page.evaluate(`[document.querySelector('#theme').textContent, document.querySelector('#theme').getAttribute('aria-pressed'), getComputedStyle(document.body).backgroundColor]`);
    await page.emulateMedia({ colorScheme: 'light' });
    const [label, pressed, lightBg] = (await theme()) as [string, string, string];
    expect([label, pressed]).toEqual(['Dark theme', 'false']);
    // The system turns dark: the page follows, and so must the button (it would offer "Dark theme" on a dark page).
    await page.emulateMedia({ colorScheme: 'dark' });
    // (The media query's change event comes a moment after the emulation.)
    await expect.poll(async () => ((await theme()) as string[]).slice(0, 2)).toEqual(['Light theme', 'true']);
    const dark = (await theme()) as [string, string, string];
    expect(dark[2]).not.toBe(lightBg);
    await page.click('#theme');
    expect(await theme()).toEqual(['Dark theme', 'false', lightBg]);
    // A theme chosen with the button stays when the system changes again.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await theme()).toEqual(['Dark theme', 'false', lightBg]);
    await page.close();
  }, 60_000);

  it('the editor\'s search, go-to-line and problems panels are readable in the dark theme', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, colorScheme: 'dark' });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="yes"]', { timeout: 20_000 });
    await idle(page);
    /** The contrast ratio (WCAG) of each field's and button's text on its own background; 0 when a gradient hides it. */
    const contrasts = (selector: string): Promise<[string, number][]> =>
      page.locator(selector).evaluateAll((els) => {
        const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = (c: string): number => {
          const [r = 0, g = 0, b = 0] = rgb(c).map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        return els.map((e) => {
          // (The tests are type-checked without the DOM's globals.)
          const style = (globalThis as unknown as { getComputedStyle(el: unknown): { color: string; backgroundColor: string; backgroundImage: string } }).getComputedStyle;
          const s = style(e);
          const [a, b] = [lum(s.color), lum(s.backgroundColor)].sort((x, y) => y - x) as [number, number];
          return [`${e.tagName} ${e.getAttribute('name') ?? ''}`, s.backgroundImage !== 'none' ? 0 : Math.round(((a + 0.05) / (b + 0.05)) * 10) / 10] as [string, number];
        });
      });
    await page.evaluate('window.dialplanPlayground.goToLine(3)');
    await page.keyboard.press('Control+f');
    await page.keyboard.type('Toll');
    const search = await contrasts('.cm-search input:not([type=checkbox]), .cm-search button.cm-button');
    expect(search.length).toBeGreaterThan(3);
    for (const [what, ratio] of search) expect(ratio, what).toBeGreaterThanOrEqual(4.5);
    await page.keyboard.press('Escape');
    await page.evaluate('window.dialplanPlayground.goToLine(3)');
    await page.keyboard.press('Control+Alt+g');
    for (const [what, ratio] of await contrasts('.cm-panel input, .cm-panel button.cm-button')) expect(ratio, what).toBeGreaterThanOrEqual(4.5);
    await page.keyboard.press('Escape');
    await page.evaluate('window.dialplanPlayground.goToLine(3)');
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.cm-panel-lint li').first().waitFor({ timeout: 5_000 });
    await page.locator('.cm-panel-lint li').first().click();
    // The selected row, then the panel without focus (its selected row is not the system's highlight then).
    await page.evaluate('window.dialplanPlayground.view.focus()');
    const selected = await contrasts('.cm-panel-lint li[aria-selected]');
    expect(selected).toHaveLength(1);
    for (const [what, ratio] of selected) expect(ratio, what).toBeGreaterThanOrEqual(4.5);
    await page.close();
  }, 60_000);

  it('(e) a screenshot of the page with a plan and an explanation open (test/.artifacts/playground.png)', async () => {
    const page = await open();
    await page.locator('#results article.number').first().locator('summary').click();
    await page.locator('.explanation').first().waitFor();
    // The explanation names the winning entry; clicking it moves the editor to that entry's line.
    const won = page.locator('.explanation li.won[data-table="dialPlan"] button').first();
    // The winning entry is named so to a screen reader too, not only by a tick.
    expect(await page.locator('.explanation li.won[data-table="dialPlan"]').first().ariaSnapshot()).toContain('matched:');
    const line = Number(await won.getAttribute('data-line'));
    await won.click();
    expect(await cursorLine(page)).toBe(line);
    // Hovering that entry in the editor lists the number it matched.
    await page.locator('.cm-activeLine').hover({ position: { x: 40, y: 4 } });
    const hover = page.locator('.cm-entry-hover');
    await hover.waitFor({ timeout: 5_000 });
    expect(await hover.textContent()).toContain('1-800-456-2354');
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'playground.png');
    await page.screenshot({ path: file });
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(file).size).toBeGreaterThan(10_000);
    // The dark theme follows the system and the toggle.
    const bg = (): Promise<string> => page.evaluate('getComputedStyle(document.body).backgroundColor') as Promise<string>;
    const light = await bg();
    await page.click('#theme');
    expect(await bg()).not.toBe(light);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(ARTIFACTS, 'playground-dark.png') });
    await page.close();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);
});
