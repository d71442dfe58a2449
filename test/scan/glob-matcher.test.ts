import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../lib/scan/sources';

/**
 * Include and exclude globs are matched through minimatch's regular expression (several times
 * faster per path than `match`): it must decide every path as `match` does.
 */
const GLOBS = ['**/*.yaml', '**/*.yml', '**/*.json', '**/*.tpl', '**/*.gotmpl', '**/node_modules/**', '**/.git/**', '**/package-lock.json', 'dist/**', 'charts/*/templates/**', '*.yaml', 'apps/**/values-*.y?(a)ml', '**/.*', '!(x).yaml', '**/[a-c]*.json'];
const corpus = join(__dirname, '..', 'corpora', 'realworld');

function agree(glob: string, path: string): void {
  const m = new Minimatch(glob, { dot: true, nocomment: true });
  expect(compileGlob(glob).test(path), `${glob} on ${path}`).toBe(m.match(path));
}

describe('compiled globs', () => {
  it('decide every corpus path, and each folder with its trailing slash, as minimatch does', () => {
    const paths = (readdirSync(corpus, { recursive: true }) as string[]).map((p) => p.split('\\').join('/'));
    expect(paths.length).toBeGreaterThan(1000);
    for (const glob of GLOBS) for (const p of paths) {
      agree(glob, p);
      agree(glob, `${p}/`);
    }
  });

  it('decide odd paths as minimatch does', () => {
    // Paths as the walk gives them: no empty, `.` or `..` segment.
    const segment = fc.stringMatching(/^[a-zA-Z0-9._\-[\]{}()!*? ]{1,8}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.constantFrom(...GLOBS), fc.array(segment, { minLength: 1, maxLength: 5 }), fc.constantFrom('', '/', '.yaml', '.json'), (glob, segs, end) => {
        agree(glob, segs.join('/') + end);
      }),
      { numRuns: 3000 },
    );
  });
});
