import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { exampleProject } from '../support/tmp';

/**
 * Where commands find the catalog: `services.yaml` of the working directory or the nearest folder
 * above it, up to the git root (as git finds its repository), and `--fixtures DIR` that must exist.
 */

const gitRepo = () => {
  const dir = exampleProject();
  execFileSync('git', ['init', '-q'], { cwd: dir });
  mkdirSync(join(dir, 'apps', 'web'), { recursive: true });
  return dir;
};

describe('services.yaml is found upward to the git root', () => {
  it('validate in a subfolder of the repository reads the repository catalog', async () => {
    const dir = gitRepo();
    const r = await runSecretops(['validate'], { cwd: join(dir, 'apps', 'web') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`${join(dir, 'services.yaml')}: valid (`)).toBe(true);
  });

  it('synth in a subfolder writes dist/ beside the catalog, not in the subfolder', async () => {
    const dir = gitRepo();
    const r = await runSecretops(['synth'], { cwd: join(dir, 'apps') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\.\.\/dist: \d+ objects in \d+ files\n$/);
    expect(existsSync(join(dir, 'dist', 'nonprod'))).toBe(true);
    expect(existsSync(join(dir, 'apps', 'dist'))).toBe(false);
  }, 60_000);

  it('scan in a subfolder uses the catalog: its ClusterSecretStore is known', async () => {
    const dir = gitRepo();
    const es =
      'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: web\n  namespace: dev\nspec:\n  secretStoreRef:\n    kind: ClusterSecretStore\n    name: ameide-vault-dev\n  target:\n    name: web\n  data:\n    - secretKey: k\n      remoteRef:\n        key: x/y\n        property: k\n';
    writeFileSync(join(dir, 'apps', 'web', 'es.yaml'), es);
    const r = await runSecretops(['scan', '--format', 'json', '.'], { cwd: join(dir, 'apps', 'web') });
    expect(JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'unknown-secret-store')).toEqual([]);
    // Outside any git repository the folder above is not searched: the store is then unknown.
    const alone = exampleProject();
    mkdirSync(join(alone, 'sub'));
    writeFileSync(join(alone, 'sub', 'es.yaml'), es);
    const outside = await runSecretops(['scan', '--format', 'json', '.'], { cwd: join(alone, 'sub') });
    expect(JSON.parse(outside.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['unknown-secret-store']);
  });

  it('without a catalog anywhere up to the git root, the error names services.yaml and the --services flag', async () => {
    const dir = gitRepo();
    const sub = join(dir, 'apps', 'web');
    const alone = join(exampleProject(), 'nested');
    mkdirSync(alone);
    const r = await runSecretops(['validate'], { cwd: alone });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secretops: ${join(alone, 'services.yaml')}: services file does not exist\n  hint: check the path, or pass another with --services FILE\n`);
    expect(existsSync(sub)).toBe(true);
  });
});

describe('--fixtures DIR must exist', () => {
  it('validate with a missing folder is one usage error naming it, not an error per key', async () => {
    const dir = exampleProject();
    const r = await runSecretops(['validate', '--fixtures', 'fixturez'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'secretops: fixturez: fixtures folder does not exist\n  hint: pass the folder of fixture files with --fixtures DIR, or leave the flag out for fixtures/ beside the services file\n',
    );
  });

  it('resolve, synth and scan refuse it too; a file is not a folder', async () => {
    const dir = exampleProject();
    for (const args of [['resolve', '--env', 'dev'], ['synth', '--out', 'out'], ['scan']]) {
      const r = await runSecretops([...args, '--fixtures', 'fixturez'], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('fixturez: fixtures folder does not exist');
    }
    const file = await runSecretops(['validate', '--fixtures', 'services.yaml'], { cwd: dir });
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('services.yaml: is not a folder');
  });

  it('fixtures scaffold may name a folder it creates', async () => {
    const dir = exampleProject();
    const r = await runSecretops(['fixtures', 'scaffold', '--fixtures', 'fresh'], { cwd: dir });
    expect(r.stderr).not.toContain('does not exist');
    expect(existsSync(join(dir, 'fresh'))).toBe(true);
  });
});
