// Takes the screenshot of docs/playground.md from the real page: builds the playground into a temporary folder, opens
// it in headless Chromium (Debian's /usr/bin/chromium through playwright-core), types three numbers, opens the first
// one's explanation and hovers the entry that matched it, and writes docs/playground.png (or the path given).
// Run: `node scripts/playground-screenshot.mjs [OUT.png]` after changing the page.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? join(root, 'docs/playground.png'));
const dir = mkdtempSync(join(tmpdir(), 'dialplan-playground-shot-'));
execFileSync(process.execPath, [join(root, 'scripts/build-playground.mjs'), '--out', dir], { stdio: 'inherit' });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(pathToFileURL(join(dir, 'index.html')).href);
  await page.waitForSelector('body[data-ready="yes"]');
  await page.fill('#numbers', '1-800-456-2354\n6929\n317-555-1234 x12');
  await page.evaluate(() => window.dialplanPlayground.analyzeNow());
  await page.evaluate(() => window.dialplanPlayground.idle());
  await page.locator('#results article.number').first().locator('summary').click();
  const won = page.locator('.explanation li.won[data-table="dialPlan"] button').first();
  await won.click();
  await page.locator('.explanation li.won[data-table="dialPlan"]').first().scrollIntoViewIfNeeded();
  await page.locator('.cm-activeLine').hover({ position: { x: 60, y: 4 } });
  await page.waitForSelector('.cm-entry-hover');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
