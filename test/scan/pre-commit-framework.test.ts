import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/tmp';

/**
 * The hooks of .pre-commit-hooks.yaml with the real framework (Debian's pre-commit 3.0.4), as a
 * GitOps team adopts them: `repo:` a git URL of secretops (a local clone of this working tree,
 * tagged), `rev:` the tag. pre-commit's node language runs `npm install` in the clone, `npm pack`
 * (reading the tarball name from its stdout) and `npm install -g` of the tarball, with production
 * dependencies only (pre_commit/languages/node.py, install_environment). Everything lives in a
 * temporary folder (HOME, PRE_COMMIT_HOME, the npm cache); the npm registry must be reachable.
 * Slow (the first install downloads every dependency): one file, one environment, reused.
 */

const CANARY = 'canary-pc-Vb7Qx2Lm9Tz4Wk8R';
const TAG = 'v0.0.0-e2e';

let root: string;
let env: NodeJS.ProcessEnv;

/** Runs a command without blocking the test worker (a blocked worker misses vitest's heartbeats). */
const run = (cmd: string, args: readonly string[], cwd: string, timeout = 120_000): Promise<{ code: number | null; out: string; error?: Error }> =>
  new Promise((done) => {
    let out = '';
    const child = spawn(cmd, args, { cwd, env, timeout, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (error) => done({ code: null, out, error }));
    child.on('close', (code) => done({ code, out }));
  });
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' });

const store = `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata:
  name: vault
spec:
  provider:
    vault:
      server: https://vault.example.com
      path: kv
      auth:
        kubernetes:
          mountPath: kubernetes
          role: eso
`;
const externalSecret = (name: string, storeName: string) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: ${name}
  namespace: app
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: ${storeName}
  target:
    name: ${name}
  data:
    - secretKey: password
      remoteRef:
        key: app/${name}
        property: password
`;
const leak = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: app
stringData:
  password: ${CANARY}
`;

/** A GitOps repository with a committed store and a committed leak, using hook `id`. */
function gitopsRepo(name: string, id: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'stores'), { recursive: true });
  mkdirSync(join(dir, 'apps'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, '.pre-commit-config.yaml'), `repos:\n  - repo: ${join(root, 'secretops')}\n    rev: ${TAG}\n    hooks:\n      - id: ${id}\n`);
  writeFileSync(join(dir, 'stores', 'vault.yaml'), store);
  writeFileSync(join(dir, 'apps', 'db.yaml'), leak);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

beforeAll(() => {
  const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  // Fail, never skip: this is the only test of the hooks with the framework that runs them.
  if (version.status !== 0) throw new Error('pre-commit is not installed (apt-get install pre-commit): the pre-commit hooks cannot be tested');
  root = mkdtempSync(join(tmpdir(), 'secretops-pre-commit-'));
  // The machine's settings (proxy, CA certificates) pass through; npm's own variables of the npm
  // that runs this suite, and git's of a hook it may run in, do not.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|GIT_(DIR|INDEX_FILE|WORK_TREE|PREFIX)$)/i.test(k)));
  env = {
    ...inherited,
    HOME: join(root, 'home'),
    PRE_COMMIT_HOME: join(root, 'home', 'pre-commit'),
    npm_config_cache: join(root, 'home', 'npm'),
    npm_config_update_notifier: 'false',
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  mkdirSync(env.HOME!, { recursive: true });
  // secretops as it would be published on a git host: this working tree (committed or not, without
  // build/ and node_modules/), committed and tagged.
  const src = join(root, 'secretops');
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (/^(node_modules|build)(\/|$)/.test(f) || !existsSync(join(REPO_ROOT, f))) continue;
    mkdirSync(dirname(join(src, f)), { recursive: true });
    cpSync(join(REPO_ROOT, f), join(src, f));
  }
  git(src, 'init', '-q', '-b', 'main');
  git(src, 'add', '-A');
  git(src, 'commit', '-q', '-m', 'secretops');
  git(src, 'tag', TAG);
}, 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the secretops-scan hook (language: node) from a git URL and tag', () => {
  let repo: string;

  it('installs with pre-commit install-hooks: npm pack prints only the tarball name, the tarball runs without devDependencies', async () => {
    repo = gitopsRepo('gitops', 'secretops-scan');
    const r = await run('pre-commit', ['install-hooks'], repo, 900_000);
    expect(r.error).toBeUndefined();
    expect(r.out).not.toMatch(/enoent|npm error/i);
    expect(r.code, r.out).toBe(0);
    // The environment holds the packed package: compiled build/, no TypeScript compiler.
    const home = env.PRE_COMMIT_HOME!;
    const envs = readdirSync(home).filter((d) => d.startsWith('repo')).map((d) => join(home, d, 'node_env-system'));
    const pkg = envs.map((e) => join(e, 'lib', 'node_modules', 'secretops')).find((p) => existsSync(p))!;
    expect(existsSync(join(pkg, 'build', 'lib', 'cli', 'main.js'))).toBe(true);
    // The hook runs the one-file CLI, whatever times npm unpacked the files with.
    expect((require(join(pkg, 'bin', 'load-cli.js')) as { bundleIsCurrent(): boolean }).bundleIsCurrent()).toBe(true);
    expect(existsSync(join(pkg, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(pkg, 'lib'))).toBe(false);
  }, 900_000);

  it('pre-commit run --all-files (what CI runs) fails on a secret committed in HEAD, naming file and rule, never the value', async () => {
    const r = await run('pre-commit', ['run', '--all-files'], repo);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('apps/db.yaml:7:3');
    expect(r.out).toContain('no-inline-secret');
    expect(r.out).not.toContain(CANARY);
    // The store in stores/vault.yaml is scanned too, and nothing else is reported.
    expect(r.out).not.toContain('unknown-secret-store');
  });

  it('a commit of an ExternalSecret whose store lives in a committed, unchanged file passes', async () => {
    git(repo, 'rm', '-q', 'apps/db.yaml');
    git(repo, 'commit', '-q', '--no-verify', '-m', 'remove the leak');
    expect((await run('pre-commit', ['install'], repo)).code).toBe(0);
    mkdirSync(join(repo, 'apps'), { recursive: true });
    writeFileSync(join(repo, 'apps', 'app.yaml'), externalSecret('app', 'vault'));
    git(repo, 'add', 'apps/app.yaml');
    const r = await run('git', ['commit', '-m', 'app reads its password from Vault'], repo);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/secretops scan\.+Passed/);
  });

  it('a commit of an ExternalSecret whose store exists nowhere is blocked', async () => {
    writeFileSync(join(repo, 'apps', 'typo.yaml'), externalSecret('typo', 'vualt'));
    git(repo, 'add', 'apps/typo.yaml');
    const r = await run('git', ['commit', '-m', 'typo'], repo);
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toContain('apps/typo.yaml:9:11');
    expect(r.out).toContain('unknown-secret-store');
    expect(git(repo, 'log', '--format=%s', '-1').trim()).toBe('app reads its password from Vault');
  });
});

describe('the secretops-scan-installed hook (language: system)', () => {
  it('without node_modules fails with "run npm ci" and never looks secretops up on a registry', async () => {
    const repo = gitopsRepo('gitops-installed', 'secretops-scan-installed');
    const r = await run('pre-commit', ['run', '--all-files'], repo);
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toContain('node_modules/.bin/secretops not found: run npm ci');
    expect(r.out).not.toMatch(/registry|404|npm (error|ERR)/i);
  });

  it('with secretops installed in node_modules scans the files passed, with the repository as context', async () => {
    const repo = join(root, 'gitops-installed');
    // The copy pre-commit installed above stands in for `npm ci` of a repository depending on secretops.
    const home = env.PRE_COMMIT_HOME!;
    const bin = readdirSync(home)
      .filter((d) => d.startsWith('repo'))
      .map((d) => join(home, d, 'node_env-system', 'bin', 'secretops'))
      .find((p) => existsSync(p))!;
    mkdirSync(join(repo, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(bin, join(repo, 'node_modules', '.bin', 'secretops'));
    const r = await run('pre-commit', ['run', '--all-files'], repo);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('apps/db.yaml:7:3');
    expect(r.out).not.toContain(CANARY);
    expect(r.out).not.toContain('unknown-secret-store');
  });
});
