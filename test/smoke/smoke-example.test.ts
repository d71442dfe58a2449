import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesApiStandIn, writeKubeconfig } from '../stand-ins/kubernetes-api';
import { runSecretops } from '../support/cli';
import { REPO_ROOT, tempDir } from '../support/tmp';
import { loadProject } from '../../lib/project/load';
import { join } from 'node:path';
import { renderedObjects } from '../../lib/synthesis/rendered';
import { smokeTargets } from '../../lib/smoke/targets';

const ES = 'external-secrets.io/v1';
const ready = { conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced' }] };

/** smoke on the example catalog, synthesizing as the CLI does, against a cluster where everything synced. */
describe('secretops smoke on the example catalog', () => {
  const api = new KubernetesApiStandIn();
  beforeAll(() => api.start());
  afterAll(() => api.stop());

  it('checks every ExternalSecret synth renders for dev, and passes when all are synced', async () => {
    const project = loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') });
    const targets = smokeTargets(project.catalog, renderedObjects({ servicesFile: join(REPO_ROOT, 'services.yaml') }), 'dev');
    // Every dev service with platform secrets, plus dev's own oauth2-proxy instance.
    expect(targets.externalSecrets.length).toBeGreaterThanOrEqual(12);
    expect(targets.stores).toEqual(['ameide-vault']);
    api.seed({ apiVersion: ES, kind: 'ClusterSecretStore', metadata: { name: 'ameide-vault' }, status: ready });
    for (const t of targets.externalSecrets) {
      api.seed({ apiVersion: ES, kind: 'ExternalSecret', metadata: { name: t.name, namespace: t.namespace }, status: ready });
      api.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: t.secretName, namespace: t.namespace }, data: Object.fromEntries(t.keys.map((k) => [k, 'eA=='])) });
    }
    const env = { KUBECONFIG: writeKubeconfig(tempDir(), api) };
    const r = await runSecretops(['smoke', '--env', 'dev', '--timeout', '1s', '--format', 'json'], { cwd: REPO_ROOT, env });
    const out = JSON.parse(r.stdout);
    expect(out.externalSecrets).toHaveLength(targets.externalSecrets.length);
    expect(out.ok).toBe(true);
    expect(r.code).toBe(0);
    // Remove one key from the migrations Secret: smoke names it.
    const s = api.object('v1', 'Secret', 'dev', 'db-migrations-credentials')!;
    api.seed({ ...s, data: {} });
    const bad = await runSecretops(['smoke', '--env', 'dev', '--timeout', '100ms'], { cwd: REPO_ROOT, env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/Secret\/db-migrations-credentials\s+missing keys: DATABASE_URL/);
  });
});
