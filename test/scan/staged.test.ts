import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { catalogRepo, es, findings, git, repo, STORE } from '../support/git-repo';

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
