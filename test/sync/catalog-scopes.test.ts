import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeKubeconfig } from '../stand-ins/kubernetes-api';
import { CI_SERVICE, kubeValue, syncHarness } from './harness';


describe('what a sync covers, by catalog level and scope', () => {
  it('writes project secrets to GitHub only, in the scope the catalog names', async () => {
    const h = await syncHarness();
    appendFileSync(join(h.dir, 'services.yaml'), CI_SERVICE);
    // The repository secret is shared by every environment: one provided value (docs/sync.md, "Repository secrets").
    const repo = await h.run(['sync', '--env', 'dev', '--service', 'ci', '--secret', 'ci-release', '--to', 'both', '--policy', 'provided', '--yes'], { stdin: 'one-release-key\n' });
    expect(repo.code, repo.stderr).toBe(0);
    const r = await h.run(['sync', '--env', 'dev', '--service', 'ci', '--secret', 'ci-deploy', '--to', 'both', '--yes']);
    expect(r.code).toBe(0);
    expect(h.github.secretNames('ameide/ameide')).toEqual(['RELEASE_SIGNING_KEY']);
    expect(h.github.secretNames('ameide/ameide', 'dev')).toEqual(['DEPLOY_TOKEN']);
    expect(h.kube.writes()).toHaveLength(0);
    expect(r.stderr).toContain('skip excluded');
    expect(r.stderr).toContain('kubernetes: project-level secrets live in GitHub only');
    const kubeOnly = await h.run(['sync', '--env', 'dev', '--service', 'ci', '--to', 'kubernetes', '--yes']);
    expect(kubeOnly.code).toBe(2);
    expect(kubeOnly.stderr).toContain('nothing to sync to kubernetes: project-level secrets live in GitHub only');
  });

  it('skips keys with non-secret defaults and refuses them when named', async () => {
    const h = await syncHarness();
    const plan = await h.run(['sync', '--env', 'dev', '--service', 'graph', '--to', 'kubernetes', '--dry-run']);
    expect(plan.stdout).toContain('#NEO4J_PASSWORD');
    expect(plan.stdout).not.toContain('NEO4J_USERNAME');
    const named = await h.run(['sync', '--env', 'dev', '--service', 'graph', '--key', 'NEO4J_USERNAME', '--to', 'kubernetes', '--dry-run']);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('graph-db-credentials#NEO4J_USERNAME has a non-secret default');
  });

  it('uses the kubeconfig context named by --context and refuses an unknown one', async () => {
    const h = await syncHarness();
    const kubeconfig = writeKubeconfig(join(h.dir, '.kube-multi'), h.kube, { contexts: ['elsewhere', 'nonprod'] });
    const env = { KUBECONFIG: kubeconfig };
    const ok = await h.run(['sync', '--env', 'dev', '--service', 'graph', '--to', 'kubernetes', '--context', 'nonprod', '--yes'], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('kubernetes:nonprod:dev/graph-db-credentials#NEO4J_PASSWORD');
    expect(kubeValue(h.kube, 'dev', 'graph-db-credentials', 'NEO4J_PASSWORD')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bad = await h.run(['sync', '--env', 'dev', '--service', 'graph', '--to', 'kubernetes', '--context', 'prod', '--yes'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('kubeconfig has no context "prod"');
  });

  it('asks on a terminal where no approval is required: no writes unless confirmed', async () => {
    const h = await syncHarness();
    const no = await h.run(['sync', '--env', 'dev', '--service', 'graph', '--to', 'kubernetes'], { tty: true, stdin: 'n\n' });
    expect(no.code).toBe(2);
    expect(no.stderr).toContain('write these secrets? [y/N]');
    expect(no.stdout).toMatch(/^cancelled /m);
    expect(h.kube.writes()).toHaveLength(0);
    const yes = await h.run(['sync', '--env', 'dev', '--service', 'graph', '--to', 'kubernetes'], { tty: true, stdin: 'y\n' });
    expect(yes.code).toBe(0);
    expect(h.kube.writes()).toHaveLength(1);
  });

  it('needs a repository in the catalog to write to GitHub', async () => {
    const h = await syncHarness();
    const text = readFileSync(join(h.dir, 'services.yaml'), 'utf8').replace('  github:\n    repository: ameide/ameide\n', '');
    writeFileSync(join(h.dir, 'services.yaml'), text);
    const r = await h.run(['sync', '--env', 'dev', '--service', 'graph', '--to', 'github', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/spec/github/repository: syncing to GitHub needs the project repository');
  });
});
