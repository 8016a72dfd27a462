// The guides name the repository's files to show where something is proved or lives ("test/node/cli/exit-codes.test.ts
// runs each case below"). After the tree moved (src/engine, src/node; tests mirroring it), several named files that no
// longer existed: each repository path README.md and docs/*.md name must exist.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
// A path of the repository: under one of its top folders, ending in a file name with an extension.
const PATH = /(?<![\w./-])(?:test|src|scripts|bench|rules)\/[\w./-]*\w\.(?:ts|mjs|js|json|yaml|md)\b/g;

// rules/site.yaml is a user's own file in a Kubernetes example.
const NOT_OURS = new Set(['rules/site.yaml']);

describe('files the guides name', () => {
  for (const page of PAGES) {
    it(`${page}: every repository path it names exists`, () => {
      const text = readFileSync(join(ROOT, page), 'utf8');
      const named = [...new Set(text.match(PATH) ?? [])];
      const missing = named.filter((p) => !existsSync(join(ROOT, p)) && !NOT_OURS.has(p));
      expect(missing).toEqual([]);
    });
  }
});
