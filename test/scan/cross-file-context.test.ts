import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { fileTree } from '../support/scan';
import { exampleProject, tempDir } from '../support/tmp';
import { catalogRepo, commitAll, deployment, es, findings, git, LEAK, repo, STORE } from '../support/git-repo';

/**
 * Cross-file rules (stores, Secret keys, fixtures, dist/ drift) in a hook: the commit's files (or
 * the files pre-commit passes) are scanned, while the rules read the whole index (`--staged`) or
 * tree (`--context-dir`), and findings are reported for the scanned files only.
 */

describe('scan --staged reads the whole index for cross-file rules', () => {
  it('a staged ExternalSecret whose ClusterSecretStore is committed and unchanged is not unknown-secret-store', async () => {
    const dir = repo({ 'infra/store.yaml': STORE });
    writeFileSync(join(dir, 'es.yaml'), es('app', 'vault') + '---\n' + es('typo', 'vualt'));
    git(dir, 'add', 'es.yaml');
    const run = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    // Only the real mistake is reported; the store counts although the commit does not touch it.
    expect(findings(run.stdout)).toEqual(['unknown-secret-store es.yaml:26']);
    expect(JSON.parse(run.stdout).stats).toMatchObject({ files: 1, documents: 2 });
    expect(run.code).toBe(1);
  });

  it('reads the index, not the working tree: a store deleted on disk but still staged counts, one only on disk does not', async () => {
    const dir = repo({ 'infra/store.yaml': STORE });
    writeFileSync(join(dir, 'es.yaml'), es('app', 'vault'));
    git(dir, 'add', 'es.yaml');
    writeFileSync(join(dir, 'infra/store.yaml'), 'kind: ConfigMap\n');
    expect(findings((await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir })).stdout)).toEqual([]);
    git(dir, 'add', 'infra/store.yaml');
    writeFileSync(join(dir, 'infra/store.yaml'), STORE);
    expect(findings((await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir })).stdout)).toEqual(['unknown-secret-store es.yaml:9']);
  });

  it('a staged workload reading a key of a Secret a committed ExternalSecret provides passes; a key it does not provide is reported', async () => {
    const dir = repo({ 'infra/store.yaml': STORE, 'app/es.yaml': es('db', 'vault') });
    writeFileSync(join(dir, 'app/web.yaml'), deployment('db', 'password'));
    git(dir, 'add', 'app/web.yaml');
    const ok = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    expect(findings(ok.stdout)).toEqual([]);
    expect(ok.code).toBe(0);
    writeFileSync(join(dir, 'app/web.yaml'), deployment('db', 'passwd'));
    git(dir, 'add', 'app/web.yaml');
    const bad = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    expect(findings(bad.stdout)).toEqual(['missing-secret-ref app/web.yaml:17']);
  });

  it('reports only what the commit changes: problems of committed, unchanged files stay out', async () => {
    const dir = repo({ 'infra/store.yaml': STORE, 'old/es.yaml': es('old', 'missing'), 'old/leak.yaml': LEAK });
    writeFileSync(join(dir, 'es.yaml'), es('app', 'vault'));
    git(dir, 'add', 'es.yaml');
    const run = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    expect(findings(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('a path that names nothing on disk or in the index is a usage error', async () => {
    const dir = repo({ 'a.yaml': 'a: 1\n' });
    const run = await runSecretops(['scan', '--staged', 'nope'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('secretops: nope: does not exist');
  });
});

describe('scan --staged with the catalog: fixtures and dist/ drift against the whole index', () => {
  it('a commit that edits services.yaml without synthesizing is dist-drift; a commit of an unrelated file is not', async () => {
    const dir = catalogRepo();
    writeFileSync(join(dir, 'notes.yaml'), 'kind: ConfigMap\n');
    git(dir, 'add', 'notes.yaml');
    const unrelated = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    expect(findings(unrelated.stdout)).toEqual([]);
    expect(unrelated.code).toBe(0);
    const services = readFileSync(join(dir, 'services.yaml'), 'utf8');
    writeFileSync(join(dir, 'services.yaml'), services.replace('store: ameide-vault', 'store: ameide-vault-2'));
    git(dir, 'add', 'services.yaml');
    const run = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    const drift = findings(run.stdout).filter((f) => f.startsWith('dist-drift dist/'));
    expect(drift.length).toBeGreaterThan(0);
    expect(run.code).toBe(1);
  }, 60_000);

  it('judges the commit\'s catalog, not unstaged edits or untracked files beside it (a plain git hook does not stash them)', async () => {
    const dir = catalogRepo();
    const services = readFileSync(join(dir, 'services.yaml'), 'utf8');
    expect(services).toContain('        port: 8080\n');
    // A consistent commit: the catalog edited and dist/ synthesized again, both staged.
    writeFileSync(join(dir, 'services.yaml'), services.replace('        port: 8080\n', '        port: 8081\n'));
    expect((await runSecretops(['synth'], { cwd: dir })).code).toBe(0);
    git(dir, 'add', '-A');
    // Then, left unstaged: a further catalog edit, an untracked fixture file that breaks the
    // catalog, and an untracked file in dist/.
    writeFileSync(join(dir, 'services.yaml'), services.replace('        port: 8080\n', '        port: 8082\n'));
    writeFileSync(join(dir, 'fixtures/wip.yaml'), 'not: a fixture file\n');
    writeFileSync(join(dir, 'dist/stray.yaml'), 'kind: ConfigMap\n');
    const staged = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    expect(findings(staged.stdout)).toEqual([]);
    expect(staged.stderr).toBe('');
    expect(staged.code).toBe(0);
    // The working tree itself is not consistent, and a scan of it says so.
    const tree = await runSecretops(['scan', '--format', 'json', '.'], { cwd: dir });
    expect(tree.code).toBe(1);
    // And the other way round: a commit of the edit without dist/, the working tree put back.
    git(dir, 'reset', '-q', '--hard');
    writeFileSync(join(dir, 'services.yaml'), services.replace('        port: 8080\n', '        port: 8083\n'));
    git(dir, 'add', 'services.yaml');
    writeFileSync(join(dir, 'services.yaml'), services);
    const blocked = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    expect(findings(blocked.stdout).filter((f) => f.startsWith('dist-drift dist/')).length).toBeGreaterThan(0);
    expect(blocked.code).toBe(1);
  }, 120_000);

  it('with --cache, keys the catalog by the index: a cached outcome never outlives the staged catalog it was judged with', async () => {
    const dir = catalogRepo();
    const services = readFileSync(join(dir, 'services.yaml'), 'utf8');
    const withProjectSecret = services.replace(
      '        - name: agents-llm-credentials\n',
      '        - name: release-signing-token\n          level: project\n          keys:\n            - name: RELEASE_TOKEN\n        - name: agents-llm-credentials\n',
    );
    expect(withProjectSecret).not.toBe(services);
    const cache = ['--cache', '--cache-location', join(dir, '.git', 'scan-cache')];
    const scanStaged = async () => findings((await runSecretops(['scan', '--staged', '--format', 'json', ...cache], { cwd: dir })).stdout).filter((f) => f.startsWith('secret-level-violation'));
    // A staged Secret named as a project-level secret of the staged catalog (a document rule that reads the catalog)...
    writeFileSync(join(dir, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: release-signing-token\n  namespace: agents\n');
    writeFileSync(join(dir, 'services.yaml'), withProjectSecret);
    git(dir, 'add', 'secret.yaml', 'services.yaml');
    writeFileSync(join(dir, 'services.yaml'), services);
    expect(await scanStaged()).toEqual(['secret-level-violation secret.yaml:4']);
    // ...is not one once the staged catalog drops it, though the working tree's catalog and the
    // Secret stay as they were (a cache keyed by the working tree would answer from the first run).
    git(dir, 'add', 'services.yaml');
    expect(readFileSync(join(dir, 'services.yaml'), 'utf8')).toBe(services);
    expect(await scanStaged()).toEqual([]);
  }, 120_000);

  it('reads a catalog outside the repository (--services elsewhere) from disk, with and without --cache', async () => {
    const dir = catalogRepo();
    const elsewhere = tempDir();
    for (const p of ['services.yaml', 'fixtures']) cpSync(join(dir, p), join(elsewhere, p), { recursive: true });
    writeFileSync(join(dir, 'es.yaml'), es('app', 'ameide-vault-dev'));
    git(dir, 'add', 'es.yaml');
    // An unstaged edit inside the repository does not matter: the catalog is the one given.
    writeFileSync(join(dir, 'services.yaml'), 'not: a catalog\n');
    const outputs: string[] = [];
    for (const extra of [[], ['--cache', '--cache-location', join(dir, '.git', 'scan-cache')]]) {
      const run = await runSecretops(['scan', '--staged', '--format', 'json', '--services', join(elsewhere, 'services.yaml'), ...extra], { cwd: dir });
      // No note that the catalog is invalid (the repository's own is), no git error.
      expect(run.stderr).toBe('');
      expect(run.code).not.toBe(2);
      outputs.push(run.stdout);
    }
    expect(outputs[1]).toBe(outputs[0]);
  }, 120_000);

  it('a committed fixture entry that nothing reads is reported when the commit adds it, against every ExternalSecret of the index', async () => {
    const dir = catalogRepo();
    const dev = readFileSync(join(dir, 'fixtures/dev.yaml'), 'utf8');
    // A path an ExternalSecret of dev reads, with one more key that none reads.
    const path = /^ {4}([a-z0-9/_-]+):\s*$/m.exec(dev.slice(dev.indexOf('paths:')))![1]!;
    const at = dev.indexOf(`    ${path}:\n`) + `    ${path}:\n`.length;
    writeFileSync(join(dir, 'fixtures/dev.yaml'), `${dev.slice(0, at)}      UNUSED_BY_ANYONE: { generate: deterministic }\n${dev.slice(at)}`);
    git(dir, 'add', 'fixtures/dev.yaml');
    const run = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    const all = JSON.parse(run.stdout).findings as { ruleId: string; file: string; message: string }[];
    expect(all.filter((f) => f.ruleId === 'fixture-drift').map((f) => [f.file, f.message])).toEqual([
      ['fixtures/dev.yaml', expect.stringContaining('UNUSED_BY_ANYONE is read by no scanned ExternalSecret of environment "dev"')],
    ]);
  }, 60_000);
  it('a commit that removes a fixture key a committed ExternalSecret reads is blocked, on that ExternalSecret', async () => {
    const dir = catalogRepo();
    const dev = readFileSync(join(dir, 'fixtures/dev.yaml'), 'utf8');
    expect(dev).toContain('      NEO4J_PASSWORD: { generate: deterministic }\n');
    writeFileSync(join(dir, 'fixtures/dev.yaml'), dev.replace('      NEO4J_PASSWORD: { generate: deterministic }\n', ''));
    git(dir, 'add', 'fixtures/dev.yaml');
    const run = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    const all = JSON.parse(run.stdout).findings as { ruleId: string; file: string; message: string }[];
    const missing = all.filter((f) => f.ruleId === 'fixture-drift' && f.message.includes('NEO4J_PASSWORD'));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((f) => f.file.startsWith('dist/nonprod/dev/'))).toBe(true);
    expect(run.code).toBe(1);
  }, 60_000);
  it('a staged second copy of a singleton is reported although the committed copy it duplicates sorts after it', async () => {
    const dir = exampleProject();
    const proxy = (name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: platform\n  labels: { app.kubernetes.io/name: oauth2-proxy }\n  annotations:\n    secretops.dev/cluster: nonprod\n    secretops.dev/oauth-client: GITHUB_OAUTH_CLIENT_ID_AI\nspec:\n  template:\n    spec:\n      containers: [{ name: oauth2-proxy, image: "quay.io/oauth2-proxy/oauth2-proxy:v7.6.0" }]\n`;
    mkdirSync(join(dir, 'z'));
    writeFileSync(join(dir, 'z/proxy.yaml'), proxy('oauth2-proxy-ai'));
    git(dir, 'init', '-q');
    commitAll(dir);
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a/proxy.yaml'), proxy('oauth2-proxy-ai-copy'));
    git(dir, 'add', 'a/proxy.yaml');
    const run = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    expect(findings(run.stdout).filter((f) => f.startsWith('singleton-duplicated'))).toEqual(['singleton-duplicated z/proxy.yaml:4']);
    expect(run.code).toBe(1);
  });
});

describe('scan --context-dir DIR FILES (the pre-commit hooks)', () => {
  it('scans the files given, with stores and Secrets of the whole tree, reporting only on those files', async () => {
    const dir = fileTree({ 'infra/store.yaml': STORE, 'apps/es.yaml': es('app', 'vault') + '---\n' + es('typo', 'vualt'), 'old/es.yaml': es('old', 'missing'), 'old/leak.yaml': LEAK });
    const alone = await runSecretops(['scan', '--format', 'json', 'apps/es.yaml'], { cwd: dir });
    expect(findings(alone.stdout)).toEqual(['unknown-secret-store apps/es.yaml:9', 'unknown-secret-store apps/es.yaml:26']);
    const run = await runSecretops(['scan', '--context-dir', '.', '--format', 'json', 'apps/es.yaml'], { cwd: dir });
    expect(findings(run.stdout)).toEqual(['unknown-secret-store apps/es.yaml:26']);
    expect(JSON.parse(run.stdout).stats).toMatchObject({ files: 1 });
    expect(run.stdout).not.toContain('canary-ctx');
  });

  it('is a usage error with a folder that does not exist, or with --staged', async () => {
    const dir = fileTree({ 'a.yaml': 'a: 1\n' });
    const missing = await runSecretops(['scan', '--context-dir', 'nope', 'a.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('secretops: nope: does not exist');
    const both = await runSecretops(['scan', '--context-dir', '.', '--staged'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--context-dir and --staged cannot be combined');
  });
});

describe('scan PATH, in every form', () => {
  it('from inside a git repository, scans an absolute or relative folder outside it, and absolute files', async () => {
    const inside = repo({ 'a.yaml': 'a: 1\n' });
    const other = fileTree({ 'deep/leak.yaml': LEAK, 'ok.yaml': 'a: 1\n' });
    const abs = await runSecretops(['scan', '--format', 'json', other], { cwd: inside });
    expect(JSON.parse(abs.stdout).stats.files).toBe(2);
    expect(findings(abs.stdout).map((f) => f.replace(/ .*\//, ' …/'))).toEqual(['no-inline-secret …/leak.yaml:7']);
    expect(abs.code).toBe(1);
    const rel = await runSecretops(['scan', '--format', 'json', join('..', other.split('/').pop()!)], { cwd: inside });
    expect(JSON.parse(rel.stdout).stats.files).toBe(2);
    const file = await runSecretops(['scan', '--format', 'json', join(other, 'deep/leak.yaml')], { cwd: inside });
    expect(JSON.parse(file.stdout).stats.files).toBe(1);
    expect(file.code).toBe(1);
    expect(abs.stdout + rel.stdout + file.stdout).not.toContain('canary-ctx');
  });

  it('a path that does not exist is a usage error (exit 2)', async () => {
    const inside = repo({ 'a.yaml': 'a: 1\n' });
    const run = await runSecretops(['scan', join(inside, 'nope')], { cwd: inside });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('does not exist');
  });
});
