// The package as npm users receive it: what the tarball holds, that every link of the README (and of the guides it ships)
// leads to a shipped file, and that a separate project installs it silently and uses it from ESM, TypeScript, CommonJS
// and the command line.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readBlocks } from './doc-blocks.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });

/** The relative link targets of a markdown page (no scheme, not a same-page anchor), without their `#anchor`. */
function relativeLinks(markdown: string): string[] {
  // Fenced blocks and inline code spans are code, not links (docs/migration.md writes Asterisk's `[name](!)`).
  const text = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').replace(/`[^`\n]+`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'))
    .map((t) => t.replace(/#.*$/, ''));
}

describe('npm package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialplan-pack-'));
  // dist/ is already built by `npm test` (pretest); packing skips the prepack script so it does not build twice.
  const [pack] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];

  const paths = (pack?.files ?? []).map((f) => f.path);

  it('holds dist/, rules/ (with the schema), the guides, README.md, CHANGELOG.md, LICENSE and package.json only', () => {
    expect(paths.filter((p) => !/^(dist\/|rules\/|docs\/[\w-]+\.(md|svg|png)$|bench\/README\.md$|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(p))).toEqual([]);
    expect(paths).toContain('rules/dialplan.schema.json');
    expect(paths).toContain('rules/default.yaml');
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('dist/default-plan.json');
    expect(paths).toContain('LICENSE');
    expect(paths.some((p) => p.endsWith('.map'))).toBe(false);
    // The guides, not the generated API site.
    expect(paths).toContain('docs/cli.md');
    expect(paths.some((p) => p.startsWith('docs/api/'))).toBe(false);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the dialplan authors\n/);
  });

  it('every relative link of README.md, and of the pages it ships, leads to a shipped file (links work on the npm page)', () => {
    const shipped = new Set(paths);
    const pages = paths.filter((p) => p.endsWith('.md'));
    expect(pages).toContain('README.md');
    const broken: string[] = [];
    let links = 0;
    for (const page of pages) {
      for (const target of relativeLinks(readFileSync(join(ROOT, page), 'utf8'))) {
        links++;
        const resolved = posix.normalize(posix.join(posix.dirname(page), target));
        if (!shipped.has(resolved)) broken.push(`${page} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
    // README links to the guides, the changelog and the licence: the check above has something to check.
    expect(relativeLinks(readFileSync(join(ROOT, 'README.md'), 'utf8'))).toEqual(expect.arrayContaining(['docs/index.md', 'docs/cli.md', 'CHANGELOG.md', 'LICENSE']));
    expect(links).toBeGreaterThan(10);
  });

  it('has no install-time script (npm warns about those in projects that install it)', () => {
    const installScripts = ['preinstall', 'install', 'postinstall', 'prepare'].filter((s) => PKG.scripts[s] !== undefined);
    expect(installScripts).toEqual([]);
  });

  it('states the Node.js floor of require(esm) in engines and in the README', () => {
    // require() of an ES module is on by default from Node.js 20.19.0 and 22.12.0 (flagged on 21.x and 22.0-22.11).
    expect(PKG.engines.node).toBe('^20.19.0 || >=22.12.0');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(PKG.engines.node);
    expect(readme).toMatch(/20\.19 or later on 20\.x, 22\.12 or later/);
  });

  it('installs into a separate project and imports as ESM, with types and the CLI', { timeout: 180_000 }, () => {
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    // At npm's default log level, so that a warning would show; the install prints its one summary line and nothing else.
    const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, pack?.filename ?? '')], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'notice' },
    });
    expect(install.status, install.stderr).toBe(0);
    expect(install.stdout + install.stderr).not.toMatch(/warn|ERR/i);
    expect((install.stdout + install.stderr).trim()).toMatch(/^added \d+ packages? in [\d.]+m?s$/);
    writeFileSync(
      join(app, 'main.js'),
      `import { loadDefaultDialPlan, QueueType, DialPlanError } from 'dialplan';
const r = loadDefaultDialPlan().query('6929');
console.log(JSON.stringify({ ok: r.ok, queue: QueueType[r.details.queueType], error: typeof DialPlanError }));`,
    );
    const out = spawnSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ ok: true, queue: 'User', error: 'function' });
    // The shipped declarations type-check a consumer under the strictest module settings.
    writeFileSync(
      join(app, 'check.ts'),
      `import { loadDefaultDialPlan, type PhoneNumberDetails } from 'dialplan';
const r = loadDefaultDialPlan().query('6929');
const d: PhoneNumberDetails | undefined = r.ok ? r.details : undefined;
const q: number | undefined = d?.queueType;
export { q };`,
    );
    // The guides' snippet that registers libphonenumber-js (docs/errors.md), as a user pastes it: the module as it is,
    // no cast.
    const provider = readBlocks('docs/errors.md').find((b) => b.info === 'ts' && b.body.includes('setPhoneLibraryProvider(() => phone)'));
    expect(provider?.body).toContain("from 'libphonenumber-js/min'");
    writeFileSync(join(app, 'provider.ts'), `${provider?.body ?? ''}export {};\n`);
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--typeRoots', join(ROOT, 'node_modules/@types'), '--types', 'node', 'check.ts', 'provider.ts'],
      { cwd: app, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    // TypeScript compiled to CommonJS, with the module setting the README names (it knows require() of an ES module).
    writeFileSync(join(app, 'check.cts'), `import { loadDefaultDialPlan } from 'dialplan';\nexport const n: string = loadDefaultDialPlan().details('6929').normalizedText;\n`);
    const cts = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--typeRoots', join(ROOT, 'node_modules/@types'), '--types', 'node', 'check.cts'],
      { cwd: app, encoding: 'utf8' },
    );
    expect(cts.stdout + cts.stderr).toBe('');
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/TypeScript that compiles to CommonJS needs `"module": "node20"` or `"nodenext"`/);
    const cli = spawnSync(join(app, 'node_modules', '.bin', 'dialplan'), ['query', '--json', '8004562354'], { encoding: 'utf8' });
    expect(JSON.parse(cli.stdout)).toMatchObject({ displayText: '(Toll Free) 1 (800) 456-2354' });
    // The README's CommonJS example, as it stands, from CommonJS code (node -e is CommonJS) in the installed project.
    const blocks = readBlocks('README.md');
    const cjs = blocks.findIndex((b) => b.info === 'js cjs');
    expect(blocks[cjs]?.body).toContain("require('dialplan')");
    expect(blocks[cjs + 1]?.info).toBe('text output');
    const required = spawnSync(process.execPath, ['-e', blocks[cjs]?.body ?? ''], { cwd: app, encoding: 'utf8' });
    expect(required.stderr).toBe(''); // no ExperimentalWarning either
    expect(required.status).toBe(0);
    expect(required.stdout).toBe(blocks[cjs + 1]?.body);
    // And a CommonJS file of a CommonJS project sees the same exports as an ES module importer.
    writeFileSync(join(app, 'main.cjs'), `const d = require('dialplan'); console.log(typeof d.loadDialPlan, typeof d.DialPlanError, d.QueueType.User);`);
    expect(spawnSync(process.execPath, ['main.cjs'], { cwd: app, encoding: 'utf8' }).stdout).toBe('function function 2\n');
    // The browser / edge condition resolves to the platform-neutral entry: the same engine API and default plan, from its
    // embedded snapshot (rules/default.yaml is not read), and without the Node.js parts (files, batch, server).
    writeFileSync(
      join(app, 'neutral.mjs'),
      `import * as d from 'dialplan';
const yaml = 'name: t\\nclassifications: [Local]\\ndialPlan:\\n  - { name: x, match: "1XXX", classification: Local }\\n';
console.log(JSON.stringify({ url: import.meta.resolve('dialplan').replace(/^.*\\/dist\\//, 'dist/'),
  toll: d.loadDefaultDialPlan().details('8004562354').displayText, yaml: d.loadDialPlan(yaml).details('1234').defaultClassification,
  node: [typeof d.runBatch, typeof d.createIcwsServer, typeof d.loadDialPlanFile] }));`,
    );
    for (const condition of ['browser', 'worker', 'deno']) {
      const neutral = spawnSync(process.execPath, ['--conditions', condition, 'neutral.mjs'], { cwd: app, encoding: 'utf8' });
      expect(neutral.stderr).toBe('');
      expect(JSON.parse(neutral.stdout)).toEqual({
        url: 'dist/browser.js',
        toll: '(Toll Free) 1 (800) 456-2354',
        yaml: 'Local',
        node: ['undefined', 'undefined', 'undefined'],
      });
    }
  });
});
