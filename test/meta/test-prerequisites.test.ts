import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../support/tmp';

interface Tool {
  readonly command: string;
  readonly pkg: string;
  readonly why: string;
}
const load = async () =>
  (await import(join(REPO_ROOT, 'scripts', 'test-prerequisites.mjs'))) as {
    TOOLS: readonly Tool[];
    ensureTools(o: { env?: NodeJS.ProcessEnv; install?: boolean; stderr?: { write(s: string): unknown } }): number;
  };

/** Programs every machine that runs `npm test` has by definition. */
const BASE = new Set(['sh', 'node', 'npm', 'npx', 'find']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

describe('the test command obtains every tool the tests run', () => {
  it('is what README and .ci/run call: the prerequisites, then typecheck and vitest', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.test).toMatch(/^node scripts\/test-prerequisites\.mjs && /);
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toMatch(/^npm ci && npm test\b/m);
    expect(readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test -- /m);
  });

  it('lists every program a test spawns by name', async () => {
    const { TOOLS } = await load();
    const known = new Set([...BASE, ...TOOLS.map((t) => t.command)]);
    const spawned = new Map<string, string>();
    for (const file of [...sources(join(REPO_ROOT, 'test')), ...sources(join(REPO_ROOT, 'policies'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\b(?:execFileSync|execFile|spawnSync|spawn)\(\s*'([\w.-]+)'/g)) spawned.set(m[1]!, relative(REPO_ROOT, file));
    }
    expect(spawned.size).toBeGreaterThan(0);
    for (const [command, file] of spawned) expect(known.has(command), `${file} runs ${command}`).toBe(true);
  });

  it('names each missing program and its Debian package, and fails, instead of skipping tests', async () => {
    const { TOOLS, ensureTools } = await load();
    let text = '';
    const code = ensureTools({ env: { PATH: tempDir() }, install: false, stderr: { write: (s: string) => (text += s) } });
    expect(code).toBe(1);
    for (const t of TOOLS) expect(text).toContain(`${t.command.padEnd(11)} (Debian package ${t.pkg})`);
    expect(text).toMatch(/apt-get install .*lua5\.1/);
  });
});
