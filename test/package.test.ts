// The package as npm users receive it: what the tarball holds, and that a separate project can install and import it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });

describe('npm package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialplan-pack-'));
  // dist/ is already built by `npm test` (pretest); packing skips the prepare script so it does not build twice.
  const [pack] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];

  it('holds dist/, rules/ (with the schema), README.md and package.json only', () => {
    const paths = (pack?.files ?? []).map((f) => f.path);
    expect(paths.filter((p) => !/^(dist\/|rules\/|README\.md$|package\.json$)/.test(p))).toEqual([]);
    expect(paths).toContain('rules/dialplan.schema.json');
    expect(paths).toContain('rules/default.yaml');
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('dist/default-plan.json');
    expect(paths.some((p) => p.endsWith('.map'))).toBe(false);
  });

  it('installs into a separate project and imports as ESM, with types and the CLI', { timeout: 180_000 }, () => {
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, pack?.filename ?? '')], app);
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
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--typeRoots', join(ROOT, 'node_modules/@types'), '--types', 'node', 'check.ts'],
      { cwd: app, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    const cli = spawnSync(join(app, 'node_modules', '.bin', 'dialplan'), ['query', '--json', '8004562354'], { encoding: 'utf8' });
    expect(JSON.parse(cli.stdout)).toMatchObject({ displayText: '(Toll Free) 1 (800) 456-2354' });
  });
});
