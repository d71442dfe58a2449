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
    // dev's own store and the store of the singletons' namespace (dev's oauth2-proxy instance), each limited.
    expect(targets.stores).toEqual(['ameide-vault-dev', 'ameide-vault-platform']);
    expect(targets.storeNamespaces).toEqual({ 'ameide-vault-dev': ['dev'], 'ameide-vault-platform': ['platform'] });
    const store = (name: string, namespaces?: string[]) =>
      api.seed({ apiVersion: ES, kind: 'ClusterSecretStore', metadata: { name }, spec: namespaces ? { conditions: [{ namespaces }] } : {}, status: ready });
    store('ameide-vault-dev', ['dev']);
    store('ameide-vault-platform', ['platform']);
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
    api.seed({ ...s });
    // A live store opened up (no conditions, or more namespaces than synth gives it) fails, Ready or not.
    store('ameide-vault-dev');
    const open = await runSecretops(['smoke', '--env', 'dev', '--timeout', '100ms', '--format', 'json'], { cwd: REPO_ROOT, env });
    expect(open.code).toBe(1);
    expect(JSON.parse(open.stdout).stores).toContainEqual({ name: 'ameide-vault-dev', exists: true, ready: true, unexpectedNamespaces: ['*'], ok: false });
    store('ameide-vault-dev', ['dev', 'ai-slot-1']);
    const wider = await runSecretops(['smoke', '--env', 'dev', '--timeout', '100ms'], { cwd: REPO_ROOT, env });
    expect(wider.code).toBe(1);
    expect(wider.stdout).toMatch(/ClusterSecretStore\/ameide-vault-dev\s+-\s+store also serves namespaces ai-slot-1, which synth does not give it/);
  });
});

describe('smoke targets', () => {
  it('include a singleton annotated for several environments (synth writes `dev,preview`) in each of them', () => {
    const project = loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') });
    const shared = {
      apiVersion: ES,
      kind: 'ExternalSecret',
      metadata: { name: 'oauth2-proxy-credentials-shared', namespace: 'platform', annotations: { 'secretops.dev/environment': 'dev,ai' } },
      spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'ameide-vault-platform' }, target: { name: 'oauth2-proxy-credentials-shared' }, data: [{ secretKey: 'K' }] },
    };
    for (const env of ['dev', 'ai']) {
      expect(smokeTargets(project.catalog, [shared], env).externalSecrets.map((t) => t.name)).toEqual(['oauth2-proxy-credentials-shared']);
    }
    expect(smokeTargets(project.catalog, [shared], 'production').externalSecrets).toEqual([]);
  });
});
