// Runs the runnable blocks of README.md and docs/*.md (see test/doc-blocks.ts for the conventions), so that
// documentation cannot drift from the engine or the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { formatProblem, safeLoadDialPlan } from '../src/index.js';
import { consoleSteps, DOC_FILES, readBlocks } from './doc-blocks.js';

const CLI = fileURLToPath(new URL('../dist/node/cli/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const all = DOC_FILES.flatMap(readBlocks);
const where = (b: { file: string; line: number }): string => `${b.file}:${b.line}`;

describe.each(all.filter((b) => b.info === 'yaml plan').map((b) => [where(b), b] as const))('%s', (at, block) => {
  it('loads and passes its inline tests', () => {
    const r = safeLoadDialPlan(block.body, { file: at });
    if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
    expect(r.plan.rules.tests.length).toBeGreaterThan(0);
    for (const t of r.plan.rules.tests) {
      const q = r.plan.query(t.input, t.location !== undefined ? { location: t.location } : {});
      const { error, ...fields } = t.expect as Record<string, unknown>;
      if (error !== undefined) {
        expect(q.ok ? undefined : q.error.code, t.input).toBe(error);
        continue;
      }
      if (!q.ok) throw new Error(`${t.input}: ${q.error.code}`);
      const actual = Object.fromEntries(Object.keys(fields).map((k) => [k, (q.details as unknown as Record<string, unknown>)[k]]));
      expect(actual, `${at}: ${t.input}`).toEqual(fields);
    }
  });
});

// Pages with `yaml file=` blocks run their commands in a scratch folder holding those files; others run at the repo root.
describe.each(DOC_FILES.filter((f) => readBlocks(f).some((b) => b.info === 'console')))('%s console blocks', (file) => {
  it('print exactly what the page shows', () => {
    const blocks = readBlocks(file);
    const files = blocks.flatMap((b) => {
      const name = /^yaml file=(\S+)$/.exec(b.info)?.[1];
      return name ? [{ name, body: b.body }] : [];
    });
    let cwd = ROOT;
    if (files.length > 0) {
      cwd = mkdtempSync(join(tmpdir(), 'dialplan-doc-'));
      for (const f of files) writeFileSync(join(cwd, f.name), f.body);
    }
    for (const block of blocks.filter((b) => b.info === 'console')) {
      for (const step of consoleSteps(block)) {
        const r = spawnSync(process.execPath, [CLI, ...step.args], { encoding: 'utf8', cwd });
        expect(r.stdout + r.stderr, `${where(block)}: dialplan ${step.args.join(' ')}`).toBe(step.output);
        expect(r.status, `${where(block)}: exit code`).toBe(step.exit ?? 0);
      }
    }
  });
});

const snippets = all.filter((b) => b.info === 'ts run');
describe.each(snippets.map((b) => [where(b), b] as const))('%s', (_at, block) => {
  it('runs, and logs what the page shows', async () => {
    const blocks = readBlocks(block.file);
    const next = blocks[blocks.indexOf(blocks.find((b) => b.line === block.line) as (typeof blocks)[number]) + 1];
    // The snippet imports 'dialplan' as a user would; here that is the source of this repository.
    const dir = join(ROOT, 'node_modules', '.doc-snippets');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${block.file.replace(/\W/g, '_')}_${block.line}.ts`);
    writeFileSync(path, block.body.replaceAll("from 'dialplan'", `from ${JSON.stringify(join(ROOT, 'src/index.ts'))}`));
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    try {
      await import(/* @vite-ignore */ path);
    } finally {
      spy.mockRestore();
    }
    expect(next?.info, 'a ts run block is followed by its ```text output block').toBe('text output');
    expect(logged.join('\n') + '\n').toBe(next?.body);
  });
});

it('finds runnable examples', () => {
  expect(all.filter((b) => b.info === 'yaml plan').length).toBeGreaterThanOrEqual(4);
});

// Every guide opens with a table of contents that lists its sections, in order, with working anchors.
describe.each(DOC_FILES.filter((f) => f.startsWith('docs/') && f !== 'docs/index.md'))('%s contents', (file) => {
  it('lists every section', () => {
    const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').replace(/^```[\s\S]*?^```$/gm, '');
    const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1] ?? '').filter((h) => h !== 'Contents');
    const slug = (h: string): string => h.trim().toLowerCase().replace(/[^\w\- ]/g, '').replaceAll(' ', '-');
    const toc = /^## Contents\n\n((?:- .*\n)+)/m.exec(text)?.[1] ?? '';
    expect(toc).toBe(headings.map((h) => `- [${h}](#${slug(h)})\n`).join(''));
  });
});

it('docs/index.md links every guide', () => {
  const index = readFileSync(new URL('../docs/index.md', import.meta.url), 'utf8');
  for (const f of DOC_FILES.filter((d) => d.startsWith('docs/') && d !== 'docs/index.md')) expect(index).toContain(`](${f.slice(5)})`);
});

// The API site: `npm run docs:check` builds it as `npm run docs` does and fails on any warning, so every fence language
// of the pages must be one typedoc highlights (an unknown one is a warning), and the architecture picture is an SVG
// file of docs/ (typedoc copies images a page links to), not a diagram language the site cannot draw.
describe('the API site', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const typedoc = JSON.parse(readFileSync(join(ROOT, 'typedoc.json'), 'utf8')) as { highlightLanguages: string[] };

  it('docs:check renders the site (no --emit none) with warnings as errors', () => {
    const check = pkg.scripts['docs:check'] ?? '';
    expect(check).toMatch(/^typedoc /);
    expect(check).toContain('--treatWarningsAsErrors');
    expect(check).not.toMatch(/--emit\s+none/);
    expect(check).toMatch(/--out \S+/);
    expect(check).not.toMatch(/--out docs\/api\b/); // a scratch folder: the check leaves the real site alone
  });

  it('every fence language of README.md and docs/*.md is highlighted by typedoc', () => {
    // Shiki's aliases of the languages typedoc loads, and the plain-text names it never highlights.
    const ALIASES: Readonly<Record<string, string>> = { sh: 'bash', shell: 'bash', js: 'javascript', ts: 'typescript', yml: 'yaml' };
    const PLAIN = new Set(['', 'text', 'txt', 'plaintext']);
    const used = new Set(all.map((b) => b.info.split(/\s+/)[0] ?? ''));
    const missing = [...used].filter((l) => !PLAIN.has(l) && !typedoc.highlightLanguages.includes(ALIASES[l] ?? l));
    expect(missing).toEqual([]);
    expect(used.has('mermaid')).toBe(false);
  });

  it('docs/architecture.md shows docs/architecture.svg, whose every file and stage function exists', () => {
    const page = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    expect(page).toMatch(/^!\[[^\]]+\]\(architecture\.svg\)$/m);
    const svg = readFileSync(join(ROOT, 'docs/architecture.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*viewBox="0 0 \d+ \d+"/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // Each box is a name over a file; a named function (a stage, a loader) must be exported by the file under it.
    const boxes = [...svg.matchAll(/<text [^>]*class="name">([^<]+)<\/text>\s*<text [^>]*class="file">([^<]+)<\/text>/g)].map((m) => ({
      name: (m[1] ?? '').replace(/^\d+\. /, ''),
      file: m[2] ?? '',
    }));
    expect(boxes.map((b) => b.name)).toEqual(expect.arrayContaining(['prepareNumber', 'convertNumber', 'classifyNumber', 'resolveExtension', 'loadDialPlan', 'validateRules', 'compileRules', 'DialPlan']));
    // A box names its file in full (`src/node/cli/`) or by its base name under a folder label of the picture
    // (`src/engine/pipeline/` over `prepare.ts`): exactly one labelled folder must then hold that file exporting the name.
    const folders = [...new Set(svg.match(/src\/[\w/.-]+\//g) ?? [])];
    for (const { name, file: shown } of boxes.filter((b) => b.file.startsWith('src/') || /^[\w-]+\.ts$/.test(b.file))) {
      const candidates = shown.startsWith('src/') ? [shown] : folders
            .map((f) => f + shown)
            .filter((f) => existsSync(join(ROOT, f)) && new RegExp(`export (function|interface|class|const) ${name}\\b`).test(readFileSync(join(ROOT, f), 'utf8')));
      expect(candidates, `${shown} (under ${name})`).toHaveLength(1);
      const file = candidates[0] ?? shown;
      const path = join(ROOT, file);
      expect(existsSync(path), `${file} (under ${name})`).toBe(true);
      if (file.endsWith('.ts')) expect(readFileSync(path, 'utf8'), `${name} in ${file}`).toMatch(new RegExp(`export (function|interface|class|const) ${name}\\b`));
    }
    for (const file of svg.match(/src\/[\w/.-]+/g) ?? []) expect(existsSync(join(ROOT, file)), file).toBe(true);
  });
});
