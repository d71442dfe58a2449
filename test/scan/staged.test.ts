import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { RULES } from '../../policies';
import { scan } from '../../lib/scan/engine';
import type { SourceFile } from '../../lib/scan/sources';
import { catalogRepo, commitAll, deployment, es, findings, git, LEAK, LEAK_CANARY, repo, store, STORE } from '../support/git-repo';
import { testConfig } from '../support/scan';
import { REPO_ROOT, tempDir } from '../support/tmp';

/**
 * `scan --staged [PATH...]` selects what `git diff --cached -- PATH` lists, from any folder of the
 * repository, deletions included; the cross-file context is always the whole index.
 */

const BROKEN = 'kind: ConfigMap\ndata: [\n';
const staged = (cwd: string, ...args: string[]) => runSecretops(['scan', '--staged', '--format', 'json', ...args], { cwd });
const files = (stdout: string) => [...new Set((JSON.parse(stdout).findings as { file: string }[]).map((f) => f.file))];

describe('scan --staged PATH: the staged files git diff --cached -- PATH lists', () => {
  /** Committed clean files, then broken versions of three of them staged (one in another folder). */
  const changed = () => {
    const dir = repo({ 'apps/a.yaml': 'a: 1\n', 'apps/b.yml': 'a: 1\n', 'apps/deep/c.yaml': 'a: 1\n', 'other/d.yaml': 'a: 1\n' });
    for (const p of ['apps/a.yaml', 'apps/b.yml', 'apps/deep/c.yaml', 'other/d.yaml']) writeFileSync(join(dir, p), BROKEN);
    git(dir, 'add', '-A');
    return dir;
  };

  it('a folder, a file, several paths: only staged files under them are reported', async () => {
    const dir = changed();
    expect(files((await staged(dir)).stdout)).toEqual(['apps/a.yaml', 'apps/b.yml', 'apps/deep/c.yaml', 'other/d.yaml']);
    expect(files((await staged(dir, 'apps')).stdout)).toEqual(['apps/a.yaml', 'apps/b.yml', 'apps/deep/c.yaml']);
    expect(files((await staged(dir, 'other/d.yaml', './apps/deep/')).stdout)).toEqual(['apps/deep/c.yaml', 'other/d.yaml']);
    expect(JSON.parse((await staged(dir, 'apps/deep')).stdout).stats.files).toBe(1);
  });

  it('a wildcard pattern is a pathspec, as git takes it (it used to pass the existence check and scan nothing)', async () => {
    const dir = changed();
    const run = await staged(dir, 'apps/*.yaml');
    // git's `*` crosses `/` in a pathspec: apps/deep/c.yaml matches too, as `git diff --cached -- 'apps/*.yaml'` lists it.
    expect(files(run.stdout)).toEqual(['apps/a.yaml', 'apps/deep/c.yaml']);
    expect(git(dir, 'diff', '--cached', '--name-only', '--', 'apps/*.yaml').trim().split('\n')).toEqual(['apps/a.yaml', 'apps/deep/c.yaml']);
    expect(run.code).toBe(1);
  });

  it('a staged file named on the command line is scanned although no include glob takes it, as on disk', async () => {
    const dir = changed();
    writeFileSync(join(dir, 'secretops.config.yaml'), 'apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\ninclude: ["apps/**"]\n');
    expect(files((await staged(dir)).stdout)).toEqual(['apps/a.yaml', 'apps/b.yml', 'apps/deep/c.yaml']);
    expect(files((await staged(dir, 'other/d.yaml')).stdout)).toEqual(['other/d.yaml']);
    expect(files((await runSecretops(['scan', '--format', 'json', 'other/d.yaml'], { cwd: dir })).stdout)).toEqual(['other/d.yaml']);
  });

  it('the cross-file context stays the whole index: a store outside PATH counts, a mistake outside PATH is not reported', async () => {
    const dir = repo({ 'infra/store.yaml': STORE });
    writeFileSync(join(dir, 'ok.yaml'), es('app', 'vault'));
    writeFileSync(join(dir, 'typo.yaml'), es('typo', 'vualt'));
    git(dir, 'add', '-A');
    expect(findings((await staged(dir)).stdout)).toEqual(['unknown-secret-store typo.yaml:9']);
    const run = await staged(dir, 'ok.yaml');
    expect(findings(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('a PATH naming nothing on disk, in the index or among the staged changes, or outside the repository, is a usage error', async () => {
    const dir = changed();
    expect(await staged(dir, 'nope')).toMatchObject({ code: 2, stderr: 'secretops: nope: does not exist\n  hint: pass files or directories to scan (default: .)\n' });
    expect(await staged(dir, 'apps/*.json')).toMatchObject({ code: 2, stderr: expect.stringContaining('secretops: apps/*.json: does not exist') });
    const outside = await staged(dir, '..');
    expect(outside).toMatchObject({ code: 2, stderr: expect.stringContaining('secretops: ..: is outside the git repository') });
  });
});

describe('scan --staged from a subfolder scans, configures and reports as at the top', () => {
  it('the same staged files, the same output byte for byte, paths relative to the top; `.` narrows to the subfolder', async () => {
    const dir = repo({ 'infra/store.yaml': STORE, 'apps/keep.yaml': 'a: 1\n' });
    writeFileSync(join(dir, 'apps/es.yaml'), es('app', 'vault') + '---\n' + es('typo', 'vualt'));
    writeFileSync(join(dir, 'top.yaml'), BROKEN);
    git(dir, 'add', '-A');
    const top = await staged(dir);
    expect(findings(top.stdout)).toEqual(['unknown-secret-store apps/es.yaml:26', 'parse-error top.yaml:3']);
    const sub = await staged(join(dir, 'apps'));
    expect(sub).toEqual(top);
    // As `git diff --cached -- .` in the subfolder: its staged files only, the whole index as context.
    const here = await staged(join(dir, 'apps'), '.');
    expect(findings(here.stdout)).toEqual(['unknown-secret-store apps/es.yaml:26']);
    expect(JSON.parse(here.stdout).stats.files).toBe(1);
    expect(findings((await staged(join(dir, 'apps'), '../top.yaml')).stdout)).toEqual(['parse-error top.yaml:3']);
    expect(await staged(join(dir, 'apps'), 'nope')).toMatchObject({ code: 2, stderr: expect.stringContaining('secretops: apps/nope: does not exist') });
  });

  it("the top's secretops.config.yaml applies, not one of the subfolder", async () => {
    const dir = repo({ 'secretops.config.yaml': 'apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\nexclude: ["vendor/**"]\n', 'apps/secretops.config.yaml': 'apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\n' });
    for (const p of ['vendor/x.yaml', 'apps/y.yaml']) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), BROKEN);
    }
    git(dir, 'add', '-A');
    expect(files((await staged(dir)).stdout)).toEqual(['apps/y.yaml']);
    expect(files((await staged(join(dir, 'apps'))).stdout)).toEqual(['apps/y.yaml']);
  });

  it('a services.yaml edited without synthesizing is dist-drift from a subfolder too (the context root was `..`, so dist/ never counted as scanned)', async () => {
    const dir = catalogRepo();
    const services = readFileSync(join(dir, 'services.yaml'), 'utf8');
    writeFileSync(join(dir, 'services.yaml'), services.replace('store: ameide-vault', 'store: ameide-vault-2'));
    git(dir, 'add', 'services.yaml');
    const top = await staged(dir);
    expect(findings(top.stdout).filter((f) => f.startsWith('dist-drift dist/')).length).toBeGreaterThan(0);
    expect(top.code).toBe(1);
    expect(await staged(join(dir, 'fixtures'))).toEqual(top);
    expect(await staged(join(dir, 'fixtures'), '..')).toEqual(top);
  }, 60_000);
});

describe('scan --staged with staged deletions: what the deletion breaks in unchanged files is reported', () => {
  /** A store in use, an unused one, a committed ExternalSecret already broken, and an unrelated file. */
  const stores = () =>
    repo({ 'infra/store.yaml': STORE, 'infra/unused.yaml': store('unused'), 'app/es.yaml': es('app', 'vault'), 'old/es.yaml': es('old', 'missing'), 'notes.yaml': 'kind: ConfigMap\n' });

  it('deleting the ClusterSecretStore an unchanged ExternalSecret uses is unknown-secret-store on it; what was already broken stays out', async () => {
    const dir = stores();
    git(dir, 'rm', '-q', 'infra/store.yaml');
    const run = await staged(dir);
    expect(findings(run.stdout)).toEqual(['unknown-secret-store app/es.yaml:9']);
    expect(run.code).toBe(1);
    // The deleted path names the deletion; a PATH that leaves it out leaves it out, as git diff --cached -- PATH.
    expect(findings((await staged(dir, 'infra/store.yaml')).stdout)).toEqual(['unknown-secret-store app/es.yaml:9']);
    expect(findings((await staged(dir, 'infra')).stdout)).toEqual(['unknown-secret-store app/es.yaml:9']);
    expect(findings((await staged(dir, 'old')).stdout)).toEqual([]);
  });

  it('renaming it away counts as deleting it; moving it to another manifest does not', async () => {
    const gone = stores();
    git(gone, 'mv', 'infra/store.yaml', 'infra/store.yaml.bak');
    expect(findings((await staged(gone)).stdout)).toEqual(['unknown-secret-store app/es.yaml:9']);
    const moved = stores();
    git(moved, 'mv', 'infra/store.yaml', 'platform-store.yaml');
    const run = await staged(moved);
    expect(findings(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('deleting the ExternalSecret that provides a Secret an unchanged workload reads is missing-secret-ref on the workload, as the full scan says', async () => {
    const dir = repo({ 'infra/store.yaml': STORE, 'app/es.yaml': es('db', 'vault'), 'app/web.yaml': deployment('db', 'password') });
    git(dir, 'rm', '-q', 'app/es.yaml');
    const run = await staged(dir);
    expect(findings(run.stdout)).toEqual(['missing-secret-ref app/web.yaml:16']);
    expect(findings((await runSecretops(['scan', '--format', 'json'], { cwd: dir })).stdout)).toEqual(findings(run.stdout));
  });

  it('deleting an unrelated file, or a store nothing uses, reports nothing, although old/es.yaml is broken', async () => {
    const dir = stores();
    git(dir, 'rm', '-q', 'notes.yaml', 'infra/unused.yaml');
    const run = await staged(dir);
    expect(findings(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
    expect(findings((await runSecretops(['scan', '--format', 'json'], { cwd: dir })).stdout)).toEqual(['unknown-secret-store old/es.yaml:9']);
  });

  it('a deleted file is never reported on itself, and nothing of it reaches the output', async () => {
    const dir = repo({ 'old/leak.yaml': LEAK, 'old/broken.yaml': BROKEN, 'app/web.yaml': deployment('old', 'password') });
    git(dir, 'rm', '-q', 'old/leak.yaml', 'old/broken.yaml');
    const run = await staged(dir);
    // The Secret's deletion leaves the workload without it: that is reported, the deleted leak is not.
    expect(findings(run.stdout)).toEqual(['missing-secret-ref app/web.yaml:16']);
    for (const format of ['text', 'json', 'sarif', 'markdown']) {
      const out = await runSecretops(['scan', '--staged', '--format', format], { cwd: dir });
      expect(out.stdout + out.stderr).not.toContain(LEAK_CANARY);
    }
  });

  it('deleting a generated dist/ file without changing the catalog is dist-drift at that path, and nothing else of dist/', async () => {
    const dir = catalogRepo();
    const folder = 'dist/nonprod/dev/agents-runtime';
    const file = `${folder}/${readdirSync(join(dir, folder)).sort()[0]}`;
    // Drift that was already there (a dist/ file edited by hand in an earlier commit) stays out.
    const other = `dist/nonprod/dev/graph/${readdirSync(join(dir, 'dist/nonprod/dev/graph')).sort()[0]}`;
    writeFileSync(join(dir, other), `${readFileSync(join(dir, other), 'utf8')}\n`);
    commitAll(dir);
    git(dir, 'rm', '-q', file);
    const run = await staged(dir);
    expect(findings(run.stdout)).toEqual([`dist-drift ${file}:1`]);
    expect(run.code).toBe(1);
    const whole = findings((await runSecretops(['scan', '--format', 'json', 'dist'], { cwd: dir })).stdout);
    expect(whole.map((f) => f.replace(/:\d+$/, ''))).toEqual([`dist-drift ${other}`, `dist-drift ${file}`].sort());
  }, 60_000);

  it('deleting a fixtures file the catalog reads is fixture-drift on the ExternalSecrets it leaves without values', async () => {
    const dir = catalogRepo();
    git(dir, 'rm', '-q', 'fixtures/dev.yaml');
    const run = await staged(dir);
    const drift = findings(run.stdout).filter((f) => f.startsWith('fixture-drift '));
    expect(drift.length).toBeGreaterThan(0);
    expect(drift.every((f) => f.startsWith('fixture-drift dist/nonprod/dev/'))).toBe(true);
    expect(run.code).toBe(1);
  }, 60_000);
});

describe('deletions read the index only when a project rule reads the deleted file', () => {
  const file = (path: string, text: string): SourceFile => ({ path, size: text.length, read: () => Buffer.from(text) });
  const scanWith = async (deleted: SourceFile[]) => {
    let listed = 0;
    const index = [file('app/es.yaml', es('app', 'vault'))];
    const result = await scan({
      cwd: '/',
      rules: RULES,
      config: testConfig(),
      staged: true,
      sources: { files: [], warnings: [], deleted, context: { root: '.', files: () => (listed++, index) } },
    });
    return { listed, findings: result.findings.map((f) => `${f.ruleId} ${f.file}`) };
  };

  it('a deleted ConfigMap: the index is not listed; a deleted store: it is, and the break is found', async () => {
    expect(await scanWith([file('notes.yaml', 'kind: ConfigMap\nmetadata:\n  name: notes\n')])).toEqual({ listed: 0, findings: [] });
    expect(await scanWith([file('infra/store.yaml', STORE)])).toEqual({ listed: 1, findings: ['unknown-secret-store app/es.yaml'] });
  });
});

describe('pre-commit hooks and deletions (Debian pre-commit, local hooks)', () => {
  /**
   * pre-commit passes the commit's files without deletions (`git diff --staged --name-only
   * --diff-filter=ACMRTUXB`, pre_commit/git.py get_staged_files), so a hook scanning the files it
   * is passed cannot see a deleted store; `scan --staged` with `always_run` can.
   */
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const cli = join(REPO_ROOT, 'lib', 'cli', 'main.ts');
  const config = `repos:
  - repo: local
    hooks:
      - id: passed-files
        name: secretops scan --context-dir . FILES
        entry: ${tsx} ${cli} scan --context-dir .
        language: system
        pass_filenames: true
        files: '\\.(ya?ml|json)$'
        require_serial: true
      - id: staged
        name: secretops scan --staged
        entry: ${tsx} ${cli} scan --staged
        language: system
        pass_filenames: false
        always_run: true
`;

  it('a commit deleting the store in use: the passed-files hook is skipped, the --staged hook blocks it', () => {
    const dir = repo({ 'infra/store.yaml': STORE, 'app/es.yaml': es('app', 'vault'), '.pre-commit-config.yaml': config });
    const home = tempDir();
    git(dir, 'rm', '-q', 'infra/store.yaml');
    const env = { ...process.env, HOME: home, PRE_COMMIT_HOME: join(home, 'cache'), NO_COLOR: '1' };
    const hook = (id: string) => spawnSync('pre-commit', ['run', id], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    const passed = hook('passed-files');
    expect(passed.status).toBe(0);
    expect(passed.stdout).toMatch(/secretops scan --context-dir \. FILES\.+\(no files to check\)Skipped/);
    const blocked = hook('staged');
    expect(blocked.status).toBe(1);
    expect(blocked.stdout).toContain('app/es.yaml:9:11  error');
    expect(blocked.stdout).toContain('unknown-secret-store');
  }, 60_000);
});
