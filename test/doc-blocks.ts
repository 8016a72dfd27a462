// Reading the runnable blocks of README.md and docs/*.md. Conventions (docs/index.md explains them to writers):
//   ```yaml plan      a complete rule file; it must load and its `tests:` must pass
//   ```yaml file=NAME a file written to the scratch folder where that page's console blocks run
//   ```console        `$ dialplan ...` lines; the lines after each, up to an optional `[exit N]`, are its exact output
//   ```ts run         a TypeScript snippet run against the library ('dialplan' is src/index.ts); what it logs must equal
//                     the ```text output block right after it, when there is one
import { readdirSync, readFileSync } from 'node:fs';

/** One fenced block of a page. */
export interface DocBlock {
  readonly file: string;
  readonly line: number;
  readonly info: string;
  readonly body: string;
}

/** One command of a console block, with what it must print. */
export interface ConsoleStep {
  readonly args: string[];
  readonly output: string;
  readonly exit: number | undefined;
}

const root = new URL('../', import.meta.url);

/** README.md and every page of docs/. */
export const DOC_FILES: readonly string[] = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The fenced blocks of one page, in order. */
export function readBlocks(file: string): DocBlock[] {
  const lines = readFileSync(new URL(file, root), 'utf8').split('\n');
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)?$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && lines[i] !== '```') body.push(lines[i] ?? '');
    out.push({ file, line: start + 1, info: (open[1] ?? '').trim(), body: body.join('\n') + '\n' });
  }
  return out;
}

/** The commands of a console block: `$ dialplan args...`, then its output, then an optional `[exit N]`. */
export function consoleSteps(block: DocBlock): ConsoleStep[] {
  return block.body
    .split(/^\$ /m)
    .filter((s) => s.trim() !== '')
    .map((s) => {
      const [command = '', ...rest] = s.replace(/\n$/, '').split('\n');
      const exitLine = rest.findIndex((l) => /^\[exit \d+\]$/.test(l));
      const output = exitLine >= 0 ? rest.slice(0, exitLine) : rest;
      return {
        args: splitArgs(command).slice(1),
        output: output.length > 0 ? output.join('\n') + '\n' : '',
        exit: exitLine >= 0 ? Number(/\d+/.exec(rest[exitLine] ?? '')?.[0]) : undefined,
      };
    });
}

/** Splits a shell command line on spaces, honouring single and double quotes. */
function splitArgs(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}
