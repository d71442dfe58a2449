import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { exampleProject, REPO_ROOT } from '../support/tmp';

describe('secretops rollout', () => {
  it('text: a dev cluster converges unattended (exit 0)', async () => {
    const r = await runSecretops(['rollout', '--cluster', 'nonprod'], { cwd: exampleProject() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'rollout of cluster nonprod from empty',
        'step 1  Healthy  secretops.dev/stage In (foundation)  (1 application)',
        'step 2  Healthy  secretops.dev/stage In (bootstrap)  (1 application)',
        'step 3  Healthy  secretops.dev/stage In (secrets)  (44 applications)',
        'step 4  Healthy  secretops.dev/stage In (workloads)  (2 applications)',
        'vault: initialized, unsealed, configured',
        'converged: every step Healthy',
        '',
      ].join('\n'),
    );
  });

  it('production stops where a manual step is missing (exit 1); with the runbook done it converges', async () => {
    const cwd = exampleProject();
    const stopped = await runSecretops(['rollout', '--cluster', 'prod'], { cwd });
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toContain('step 2  Stopped  secretops.dev/stage In (bootstrap)  (1 application)\n  prod-vault-bootstrap: Progressing, at Job vault/vault-bootstrap: Progressing: pod cannot start: secret "vault-bootstrap-token" not found\n');
    expect(stopped.stdout).toContain('step 3  Waiting');
    const todo = 'to do: provision the scoped bootstrap token Secret vault/vault-bootstrap-token (docs/vault-production-bootstrap.md, "3. The bootstrap token"), then record it with --bootstrap-token';
    expect(stopped.stdout).toContain(`secret "vault-bootstrap-token" not found\n    ${todo}\n`);
    expect(stopped.stdout.trimEnd().split('\n').slice(-2)).toEqual(['stopped at step 2: prod-vault-bootstrap, Job vault/vault-bootstrap: Progressing: pod cannot start: secret "vault-bootstrap-token" not found', todo]);

    const partial = await runSecretops(['rollout', '--cluster', 'prod', '--bootstrap-token', '--tls-provisioned', '--init-ceremony', '--format', 'json'], { cwd });
    expect(partial.code).toBe(1);
    const json = JSON.parse(partial.stdout);
    expect(json).toMatchObject({ version: 1, cluster: 'prod', converged: false, stoppedAt: { step: 2, reason: 'Progressing: vault-bootstrap: Vault is sealed: KMS auto-unseal has not unsealed it (runbook step 1)', manualStep: { flag: '--auto-unseal', runbook: 'docs/vault-production-bootstrap.md, "1. Before the ceremony: KMS auto-unseal"' } } });

    const done = await runSecretops(['rollout', '--cluster', 'prod', '--runbook-done', '--format', 'json'], { cwd });
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ converged: true, unselected: [], vault: { initialized: true, sealed: false, configured: true } });
  });

  it('reads a synthesized folder with --from-dist: the committed dist/ converges', async () => {
    const r = await runSecretops(['rollout', '--cluster', 'nonprod', '--from-dist', 'dist', '--format', 'json'], { cwd: REPO_ROOT });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).converged).toBe(true);
  });

  it('bad usage exits 2 with a hint and no stack', async () => {
    const cwd = exampleProject();
    const unknown = await runSecretops(['rollout', '--cluster', 'staging'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no ApplicationSet for cluster "staging" in dist/');
    expect(unknown.stderr).toContain('hint: --cluster must name a cluster of this dist/: nonprod, prod');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    // A broken manifest in --from-dist is named by position; the source line (here a secret) is not printed.
    const broken = join(cwd, 'broken-dist');
    mkdirSync(join(broken, '_argocd'), { recursive: true });
    writeFileSync(join(broken, '_argocd', 'applicationset-prod.yaml'), 'apiVersion: v1\nkind: Secret\nstringData:\n  password: "CANARY-rollout-Zq81x\n');
    const bad = await runSecretops(['rollout', '--cluster', 'prod', '--from-dist', 'broken-dist'], { cwd });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/applicationset-prod\.yaml:\d+:\d+: not valid YAML/);
    expect(bad.stderr + bad.stdout).not.toContain('CANARY-rollout');
    const missing = await runSecretops(['rollout', '--cluster', 'prod', '--from-dist', 'no-such-dist'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such-dist: is not a folder of synthesized manifests');
    expect(missing.stderr).not.toMatch(/internal error/);
    const format = await runSecretops(['rollout', '--cluster', 'nonprod', '--format', 'yaml'], { cwd });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be one of text, json');
  });
});
