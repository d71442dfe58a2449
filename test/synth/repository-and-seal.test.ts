import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withoutCredentials } from '../../lib/synthesis/git-remote';
import { readTree } from '../support/dist';
import { runSecretops } from '../support/cli';
import { exampleProject } from '../support/tmp';

function edit(dir: string, from: string, to: string): void {
  const file = join(dir, 'services.yaml');
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'ignore' });

describe('the repository Argo CD reads, when the catalog names none', () => {
  it('is the checkout\'s origin remote, without credentials', async () => {
    const dir = exampleProject();
    edit(dir, '  github:\n    repository: ameide/ameide\n', '');
    git(dir, 'init', '-q');
    const token = 'ghp_canaryCanaryCanary0123456789';
    git(dir, 'remote', 'add', 'origin', `https://ci-bot:${token}@git.example.com/platform/gitops.git`);
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const tree = readTree(join(dir, 'dist'));
    expect(tree.get('_argocd/applicationset-prod.yaml')).toContain('repoURL: https://git.example.com/platform/gitops.git\n');
    for (const text of [...tree.values(), r.stdout]) expect(text).not.toContain(token);
  });

  it('is refused with the catalog position when there is no origin either', async () => {
    const dir = exampleProject();
    edit(dir, '  github:\n    repository: ameide/ameide\n', '');
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/services\.yaml:\d+:\d+ \/spec: Argo CD needs the Git repository that holds dist\/: the catalog names none and its folder is not a Git checkout with an origin remote\n  hint: set spec.argocd.repoURL \(or spec.github.repository\), or run synth in a checkout with `git remote add origin URL`/);
  });

  it('keeps SSH remotes as they are and drops only https credentials', () => {
    expect(withoutCredentials('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
    expect(withoutCredentials('ssh://git@github.com/o/r.git')).toBe('ssh://git@github.com/o/r.git');
    expect(withoutCredentials('https://x:y@github.com/o/r.git')).toBe('https://github.com/o/r.git');
    expect(withoutCredentials('https://github.com/o/r.git')).toBe('https://github.com/o/r.git');
  });
});

describe('a production cluster without spec.vault.seal', () => {
  const noSeal = (dir: string) => edit(dir, '    seal:\n      type: awskms\n      config:\n        region: eu-central-1\n        kms_key_id: alias/ameide-vault-unseal\n', '');

  it('is a warning in validate (text and JSON) and synth, with its position; the exit code stays 0', async () => {
    const dir = exampleProject();
    noSeal(dir);
    const expected = /^warning: \S*services\.yaml:10:5 \/spec\/vault: cluster "prod" hosts a production-tier environment but spec\.vault\.seal is not set: no auto-unseal values are rendered \(vault-seal-config\), so its Vault stays sealed after every restart until people unseal it\n  hint: set spec\.vault\.seal \(awskms, gcpckms, azurekeyvault or transit\), see docs\/vault-production-bootstrap\.md step 1\n$/;
    const validate = await runSecretops(['validate'], { cwd: dir });
    expect(validate.code).toBe(0);
    expect(validate.stderr).toMatch(expected);
    const json = await runSecretops(['validate', '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, errors: [], warnings: [{ file: expect.stringMatching(/services\.yaml$/), line: 10, column: 5, pointer: '/spec/vault' }] });
    const synth = await runSecretops(['synth'], { cwd: dir });
    expect(synth.code).toBe(0);
    expect(synth.stderr).toMatch(expected);
  });

  it('is not warned about with a seal, or on clusters without production environments', async () => {
    const sealed = exampleProject();
    expect((await runSecretops(['validate'], { cwd: sealed })).stderr).toBe('');
    const devOnly = exampleProject();
    noSeal(devOnly);
    edit(devOnly, '      tier: production\n', '      tier: staging\n');
    const r = await runSecretops(['validate', '--format', 'json'], { cwd: devOnly });
    expect(JSON.parse(r.stdout).warnings).toEqual([]);
  });
});
