// The source tree states the architecture (issue #17): src/engine/ is the platform-neutral engine, src/node/ the
// Node.js adapters over it. This guards the direction of the dependency, file by file, so that a Node.js import slipping
// into the engine fails here with its file and line, before any bundle notices.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const ENGINE = join(SRC, 'engine');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));

/** Every module specifier of a file (static imports and re-exports, dynamic imports), with its line. */
function specifiers(file: string): { spec: string; line: number }[] {
  const out: { spec: string; line: number }[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      for (const m of text.matchAll(/(?:^\s*(?:import|export)\b[^'"]*?\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/g)) out.push({ spec: m[1] as string, line: i + 1 });
    });
  return out;
}

describe('the source tree', () => {
  const engineFiles = filesUnder(ENGINE);

  it('has the engine in src/engine/ and the Node.js adapters in src/node/', () => {
    const top = readdirSync(SRC).sort();
    expect(top).toEqual(expect.arrayContaining(['engine', 'node', 'index.ts', 'engine.ts', 'browser.ts']));
    expect(engineFiles.length).toBeGreaterThan(30);
    for (const part of ['pipeline', 'plan', 'match', 'icws', 'authoring']) expect(readdirSync(join(ENGINE, part)).length).toBeGreaterThan(0);
  });

  it('src/engine/ imports nothing from node: and nothing outside src/engine/ but packages', () => {
    const offending: string[] = [];
    for (const file of engineFiles) {
      for (const { spec, line } of specifiers(file)) {
        const where = `${relative(SRC, file)}:${line} ${spec}`;
        if (spec.startsWith('node:') || ['fs', 'path', 'os', 'url', 'crypto', 'worker_threads', 'http', 'module'].includes(spec)) offending.push(where);
        else if (spec.startsWith('.') && !resolve(dirname(file), spec).startsWith(ENGINE + '/')) offending.push(where);
      }
    }
    expect(offending).toEqual([]);
  });

  it('the check above sees imports: the pipeline stages import the plan and the matchers', () => {
    const seen = specifiers(join(ENGINE, 'pipeline', 'query.ts')).map((s) => s.spec);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.some((s) => s.startsWith('../plan/'))).toBe(true);
  });
});
