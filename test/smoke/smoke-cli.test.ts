import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { KubernetesApiStandIn, writeKubeconfig } from '../stand-ins/kubernetes-api';
import { runSecretops } from '../support/cli';
import { canary, expectNoLeak } from '../support/canary';
import { REPO_ROOT, tempDir } from '../support/tmp';

const ES = 'external-secrets.io/v1';

function externalSecret(namespace: string, name: string, keys: string[], instance = namespace) {
  return {
    apiVersion: ES,
    kind: 'ExternalSecret',
    metadata: { name, namespace, annotations: { 'secretops.dev/environment': instance.replace(/-slot-\d+$/, ''), 'secretops.dev/instance': instance } },
    spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'ameide-vault' }, target: { name }, data: keys.map((k) => ({ secretKey: k, remoteRef: { key: 'x', property: k } })) },
  };
}

/** A rendered dist/ with two ExternalSecrets in dev and one per ai slot. */
function distDir(): string {
  const dir = tempDir();
  const write = (p: string, objs: object[]) => {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), objs.map((o) => stringify(o)).join('---\n'));
  };
  write('nonprod/dev/agents/secrets.yaml', [externalSecret('dev', 'agents-db-credentials', ['DATABASE_URL']), externalSecret('dev', 'agents-llm-credentials', ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'])]);
  write('nonprod/ai-slot-1/agents/secrets.yaml', [externalSecret('ai-slot-1', 'agents-db-credentials', ['DATABASE_URL'])]);
  write('nonprod/ai-slot-2/agents/secrets.yaml', [externalSecret('ai-slot-2', 'agents-db-credentials', ['DATABASE_URL'])]);
  return dir;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ready = { conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced', message: 'secret synced' }] };

describe('secretops smoke against a Kubernetes API stand-in', () => {
  const api = new KubernetesApiStandIn();
  let env: NodeJS.ProcessEnv;
  let dist: string;
  const secretValue = canary('smoke-value');

  beforeAll(async () => {
    await api.start();
  });
  afterAll(() => api.stop());

  beforeEach(() => {
    for (const kind of ['Secret', 'ExternalSecret', 'ClusterSecretStore']) {
      for (const o of api.list(kind === 'Secret' ? 'v1' : ES, kind)) api.remove(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
    }
    env = { KUBECONFIG: writeKubeconfig(tempDir(), api, { contexts: ['nonprod', 'other'] }) };
    dist = distDir();
    api.seed({ apiVersion: ES, kind: 'ClusterSecretStore', metadata: { name: 'ameide-vault' }, status: ready });
  });

  const seedReady = (namespace: string, name: string, keys: string[]) => {
    api.seed({ apiVersion: ES, kind: 'ExternalSecret', metadata: { name, namespace }, status: ready });
    api.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: Object.fromEntries(keys.map((k) => [k, b64(secretValue)])) });
  };
  const smoke = (...args: string[]) => runSecretops(['smoke', '--env', 'dev', '--from-dist', dist, '--interval', '50ms', ...args], { cwd: REPO_ROOT, env });

  it('passes when everything is ready, and prints no value', async () => {
    seedReady('dev', 'agents-db-credentials', ['DATABASE_URL']);
    seedReady('dev', 'agents-llm-credentials', ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY']);
    const r = await smoke('--timeout', '1s');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/all 3 ready in dev/);
    expect(r.code).toBe(0);
    const j = await smoke('--timeout', '1s', '--format', 'json');
    expect(JSON.parse(j.stdout)).toMatchObject({ environment: 'dev', ok: true, timedOut: false, stores: [{ name: 'ameide-vault', ok: true }] });
    expectNoLeak([r.stdout, r.stderr, j.stdout, j.stderr], secretValue);
    expectNoLeak([r.stdout, j.stdout], b64(secretValue));
  });

  it('names the Secret and the missing key', async () => {
    seedReady('dev', 'agents-db-credentials', ['DATABASE_URL']);
    seedReady('dev', 'agents-llm-credentials', ['OPENAI_API_KEY']);
    const r = await smoke('--timeout', '200ms', '--format', 'json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.timedOut).toBe(true);
    expect(out.externalSecrets.find((e: { externalSecret: string }) => e.externalSecret === 'agents-llm-credentials')).toMatchObject({ ok: false, secretExists: true, missingKeys: ['ANTHROPIC_API_KEY'] });
    const t = await smoke('--timeout', '100ms');
    expect(t.stdout).toMatch(/NOT READY\s+dev\s+ExternalSecret\/agents-llm-credentials\s+Secret\/agents-llm-credentials\s+missing keys: ANTHROPIC_API_KEY/);
    expect(t.stdout).toMatch(/1 of 3 not ready in dev \(timed out\)/);
    expectNoLeak([r.stdout, t.stdout, t.stderr], secretValue);
  });

  it("shows an ExternalSecret's Ready=False message", async () => {
    seedReady('dev', 'agents-db-credentials', ['DATABASE_URL']);
    api.seed({
      apiVersion: ES,
      kind: 'ExternalSecret',
      metadata: { name: 'agents-llm-credentials', namespace: 'dev' },
      status: { conditions: [{ type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: 'could not get secret data from provider' }] },
    });
    const r = await smoke('--timeout', '100ms');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ExternalSecret not Ready: could not get secret data from provider; Secret does not exist/);
  });

  it('waits for a Secret that appears later, then passes', async () => {
    seedReady('dev', 'agents-db-credentials', ['DATABASE_URL']);
    const later = setTimeout(() => seedReady('dev', 'agents-llm-credentials', ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY']), 300);
    try {
      const r = await smoke('--timeout', '20s', '--format', 'json');
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, timedOut: false });
      expect(r.code).toBe(0);
      // It really polled: more than one read of the late Secret.
      expect(api.requests.filter((q) => q.path.endsWith('/secrets/agents-llm-credentials')).length).toBeGreaterThan(1);
    } finally {
      clearTimeout(later);
    }
  });

  it('checks one slot of an environment with --slot', async () => {
    seedReady('ai-slot-2', 'agents-db-credentials', ['DATABASE_URL']);
    const r = await runSecretops(['smoke', '--env', 'ai', '--slot', '2', '--from-dist', dist, '--timeout', '1s', '--format', 'json'], { cwd: REPO_ROOT, env });
    const out = JSON.parse(r.stdout);
    expect(out.externalSecrets.map((e: { namespace: string }) => e.namespace)).toEqual(['ai-slot-2']);
    expect(r.code).toBe(0);
    const bad = await runSecretops(['smoke', '--env', 'ai', '--slot', '7', '--from-dist', dist], { cwd: REPO_ROOT, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/slots 1\.\.3; --slot 7 does not exist/);
  });

  it('fails on the ClusterSecretStore not being Ready', async () => {
    api.seed({ apiVersion: ES, kind: 'ClusterSecretStore', metadata: { name: 'ameide-vault' }, status: { conditions: [{ type: 'Ready', status: 'False', message: 'unable to log in to Vault' }] } });
    seedReady('dev', 'agents-db-credentials', ['DATABASE_URL']);
    seedReady('dev', 'agents-llm-credentials', ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY']);
    const r = await smoke('--timeout', '100ms');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NOT READY\s+-\s+ClusterSecretStore\/ameide-vault\s+-\s+store not Ready: unable to log in to Vault/);
  });

  it('uses --context and refuses an unknown one; bad durations are usage errors', async () => {
    const ok = await smoke('--context', 'other', '--timeout', '50ms');
    expect(ok.code).toBe(1);
    const r = await smoke('--context', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kubeconfig has no context "nope"/);
    const d = await smoke('--timeout', 'soon');
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--timeout "soon" is not a duration/);
  });

  it('reports an unreachable cluster without a stack', async () => {
    const down = new KubernetesApiStandIn();
    await down.start();
    const cfg = writeKubeconfig(tempDir(), down);
    await down.stop();
    const r = await runSecretops(['smoke', '--env', 'dev', '--from-dist', dist, '--timeout', '50ms'], { cwd: REPO_ROOT, env: { KUBECONFIG: cfg } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read ClusterSecretStore ameide-vault/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
