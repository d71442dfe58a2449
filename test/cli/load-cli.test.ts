import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../support/tmp';

/**
 * bin/secretops.js through bin/load-cli.js: runs the one-file bundle when it is current, else the
 * modules; on Node without `module.enableCompileCache` keeps V8's code cache per command in a
 * folder only its owner can write. Run on a copy of bin/ with stand-in builds that say which ran.
 */
const NODE_CACHES_ITSELF = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

function standIn(): string {
  const pkg = tempDir();
  mkdirSync(join(pkg, 'bin'));
  for (const f of ['secretops.js', 'load-cli.js']) copyFileSync(join(REPO_ROOT, 'bin', f), join(pkg, 'bin', f));
  mkdirSync(join(pkg, 'build', 'lib', 'cli'), { recursive: true });
  const cli = (who: string) => `#!/usr/bin/env node\nexports.main = async (argv) => { process.stdout.write(${JSON.stringify(who)} + ' ' + argv.join(' ') + '\\n'); return argv.includes('--fail') ? 3 : 0; };\n`;
  writeFileSync(join(pkg, 'build', 'lib', 'cli', 'main.js'), cli('modules'));
  writeFileSync(join(pkg, 'build', 'cli-bundle.cjs'), cli('bundle'));
  // A source checkout (an installed package ships no tsconfig.build.json).
  writeFileSync(join(pkg, 'tsconfig.build.json'), '{}\n');
  return pkg;
}

function touch(path: string, seconds: number): void {
  utimesSync(path, seconds, seconds);
}

function run(pkg: string, args: readonly string[], cacheDir: string) {
  const r = spawnSync(process.execPath, [join(pkg, 'bin', 'secretops.js'), ...args], { encoding: 'utf8', env: { ...process.env, NODE_COMPILE_CACHE: cacheDir } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the launcher', () => {
  it('runs the bundle when it is at least as new as the modules, else the modules, with the exit code of the command', () => {
    const pkg = standIn();
    const cache = tempDir();
    touch(join(pkg, 'build', 'lib', 'cli', 'main.js'), 1_000_000);
    touch(join(pkg, 'build', 'cli-bundle.cjs'), 1_000_000);
    // Built in one second: as new as the modules counts as current.
    expect(run(pkg, ['scan', '.'], cache)).toEqual({ code: 0, stdout: 'bundle scan .\n', stderr: '' });
    expect(run(pkg, ['scan', '--fail'], cache).code).toBe(3);
    // A bare `tsc` after the build: the bundle is stale.
    touch(join(pkg, 'build', 'lib', 'cli', 'main.js'), 1_000_100);
    expect(run(pkg, ['scan', '.'], cache).stdout).toBe('modules scan .\n');
    rmSync(join(pkg, 'build', 'cli-bundle.cjs'));
    expect(run(pkg, ['--version'], cache).stdout).toBe('modules --version\n');
  });

  it('runs the bundle of an installed package whatever the times its files were unpacked with', () => {
    const pkg = standIn();
    rmSync(join(pkg, 'tsconfig.build.json'));
    // `npm install -g` of a tarball writes the files in name order: the bundle before build/lib.
    touch(join(pkg, 'build', 'cli-bundle.cjs'), 1_000_000);
    touch(join(pkg, 'build', 'lib', 'cli', 'main.js'), 1_000_001);
    expect(run(pkg, ['scan', '.'], tempDir()).stdout).toBe('bundle scan .\n');
    rmSync(join(pkg, 'build', 'cli-bundle.cjs'));
    expect(run(pkg, ['scan', '.'], tempDir()).stdout).toBe('modules scan .\n');
  });

  it('says how to build when nothing is built', () => {
    const pkg = standIn();
    rmSync(join(pkg, 'build'), { recursive: true });
    const r = run(pkg, ['scan'], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('secretops: the CLI is not built yet; run `npm ci` or `npm run build` in the secretops package.\n');
  });

  it('keeps compiled code between runs: V8 code cache in an owner-only folder, or Node\'s own compile cache', () => {
    const pkg = standIn();
    const cache = tempDir();
    expect(run(pkg, ['scan', '.'], cache).stdout).toBe('bundle scan .\n');
    const ours = join(cache, 'secretops');
    if (NODE_CACHES_ITSELF) {
      // Node 22.1+: its own cache, nothing of ours.
      expect(existsSync(ours)).toBe(false);
      expect(readdirSync(cache).length).toBeGreaterThan(0);
      return;
    }
    const files = () => readdirSync(ours).sort();
    expect(files()).toEqual([expect.stringMatching(/^cli-[0-9a-f]{40}\.bin$/)]);
    expect(statSync(ours).mode & 0o777).toBe(0o700);
    const codeCache = join(ours, files()[0]!);
    expect(statSync(codeCache).mode & 0o777).toBe(0o600);
    const made = readFileSync(codeCache);
    // Found and used, by any command: not written again.
    expect(run(pkg, ['scan', '.'], cache).stdout).toBe('bundle scan .\n');
    expect(run(pkg, ['--version'], cache).stdout).toBe('bundle --version\n');
    expect(files()).toEqual([basename(codeCache)]);
    expect(readFileSync(codeCache).equals(made)).toBe(true);
    // A damaged cache is rejected by V8 and removed; the next run makes it again.
    writeFileSync(codeCache, 'not a code cache');
    expect(run(pkg, ['scan', '.'], cache)).toEqual({ code: 0, stdout: 'bundle scan .\n', stderr: '' });
    expect(existsSync(codeCache)).toBe(false);
    run(pkg, ['scan', '.'], cache);
    expect(readFileSync(codeCache).length).toBeGreaterThan(0);
    // New bundle bytes, a new cache: a cache never serves other code. A few builds' caches stay.
    for (const who of ['BUNDLE', 'Bundle', 'bUndle', 'buNdle', 'bunDle']) {
      writeFileSync(join(pkg, 'build', 'cli-bundle.cjs'), readFileSync(join(pkg, 'build', 'cli-bundle.cjs'), 'utf8').replace(/"[a-zA-Z]+" \+ ' '/, `"${who}" + ' '`));
      expect(run(pkg, ['scan', '.'], cache).stdout).toBe(`${who} scan .\n`);
    }
    expect(files()).toHaveLength(4);
    expect(files()).not.toContain(basename(codeCache));
    // A folder others can write to is not used at all.
    const open = tempDir();
    mkdirSync(join(open, 'secretops'));
    chmodSync(join(open, 'secretops'), 0o777);
    expect(run(pkg, ['scan', '.'], open).stdout).toBe('bunDle scan .\n');
    expect(readdirSync(join(open, 'secretops'))).toEqual([]);
  });
});
