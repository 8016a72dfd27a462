// A real browser runs the engine (issue #17): a small page, bundled by esbuild from the package's browser entry, loads the
// default plan's YAML, queries the seed's two numbers and renders every field; headless Chromium (Debian's `chromium`,
// driven by playwright-core, never a downloaded browser) opens it, and what the page shows must be what the Node.js
// engine answers. Skipped, visibly, where /usr/bin/chromium is missing (.ci/run installs it).
import { existsSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { DETAIL_FIELDS, loadDefaultDialPlan } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const built = existsSync(new URL('../dist/browser.js', import.meta.url));

describe.runIf(existsSync(CHROMIUM) && built)('the browser entry in headless Chromium', () => {
  it('loads a YAML plan, queries the seed numbers and renders what Node.js answers; the bundle has no node: import', async () => {
    const r = await build({
      entryPoints: [new URL('fixtures/bundle/page.js', import.meta.url).pathname],
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const script = Buffer.from(r.outputFiles[0]?.contents ?? []).toString('utf8');
    expect([...script.matchAll(/.{0,40}["'`]node:.{0,40}/g)].map((m) => m[0])).toEqual([]);
    const yaml = readFileSync(new URL('../rules/default.yaml', import.meta.url), 'utf8');
    const html = `<!doctype html><meta charset="utf-8"><script type="text/yaml" id="plan">${yaml}</script><main id="out"></main>
<script type="module">${script.replace(/<\/script/gi, '<\\/script')}</script>`;

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.setContent(html);
      await page.waitForSelector('body[data-done="yes"]', { timeout: 20_000 });
      // (A string: this project's TypeScript has no DOM types.)
      const shown = (await page.evaluate(`[...document.querySelectorAll('dl')].map((dl) => ({ number: dl.dataset.number,
        fields: Object.fromEntries([...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])) }))`)) as {
        number: string;
        fields: Record<string, string>;
      }[];
      expect(errors).toEqual([]);
      const plan = loadDefaultDialPlan();
      const expected = ['8004562354', '6929'].map((number) => {
        const d = plan.details(number);
        return { number, fields: Object.fromEntries(DETAIL_FIELDS.map((f) => [f, String(d[f])])) };
      });
      expect(shown).toEqual(expected);
      expect(shown[0]?.fields.displayText).toBe('(Toll Free) 1 (800) 456-2354');
      expect(shown[1]?.fields.queueName).toBe('User Queue:jdoe');
    } finally {
      await browser.close();
    }
  }, 90_000);
});
