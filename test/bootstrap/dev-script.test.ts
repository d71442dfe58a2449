import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { devBootstrapFiles } from '../../lib/bootstrap/bundle';
import { deterministicFixture, deterministicFixtureValue } from '../../lib/bootstrap/deterministic';
import { DEV_CREDENTIALS_SECRET } from '../../lib/bootstrap/dev-script';
import type { BootstrapPlan, FixturePlan } from '../../lib/bootstrap/plan';
import { canary, expectNoLeak } from '../support/canary';
import { KubernetesApiStandIn } from '../stand-ins/kubernetes-api';
import { startVaultStandIn, VaultStandIn } from '../stand-ins/vault-api';
import { clusterNamed, exampleProjectModel, runScript, ScriptRun, writeFiles } from './script-harness';

const project = exampleProjectModel();
const files = devBootstrapFiles(project, clusterNamed(project, 'nonprod'));
const plan = JSON.parse(files.plan) as BootstrapPlan;
const fixtures = JSON.parse(files.fixtures) as FixturePlan;
let paths: Record<string, string>;
beforeEach(() => {
  paths = writeFiles({ 'bootstrap.sh': files.script, 'bootstrap.json': files.plan, 'fixtures.json': files.fixtures });
});

/** One fresh "cluster": a Vault stand-in, a Kubernetes API stand-in and a service account folder. */
interface Cluster {
  readonly vault: VaultStandIn;
  readonly kube: KubernetesApiStandIn;
  run(): Promise<ScriptRun>;
  credentials(): Record<string, string>;
}

const open: Cluster[] = [];
afterEach(async () => {
  while (open.length) {
    const c = open.pop()!;
    await c.vault.close();
    await c.kube.stop();
  }
});

async function freshCluster(opts: { seed?: string } = {}): Promise<Cluster> {
  const saToken = `sa-${randomBytes(8).toString('hex')}`;
  const vault = await startVaultStandIn();
  const kube = await new KubernetesApiStandIn({ token: saToken }).start();
  if (opts.seed) {
    kube.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: DEV_CREDENTIALS_SECRET, namespace: 'vault' }, data: { seed: Buffer.from(opts.seed).toString('base64') } });
  }
  const sa = writeFiles({ 'sa/token': saToken, 'sa/namespace': 'vault' });
  const cluster: Cluster = {
    vault,
    kube,
    run: () =>
      runScript(paths['bootstrap.sh']!, {
        VAULT_ADDR: vault.url,
        BOOTSTRAP_CONFIG: paths['bootstrap.json']!,
        BOOTSTRAP_FIXTURES: paths['fixtures.json']!,
        KUBERNETES_API_URL: kube.url,
        SERVICEACCOUNT_DIR: sa['sa/token']!.replace(/\/token$/, ''),
      }),
    credentials() {
      const s = kube.object('v1', 'Secret', 'vault', DEV_CREDENTIALS_SECRET);
      const data = (s?.data ?? {}) as Record<string, string>;
      return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    },
  };
  open.push(cluster);
  return cluster;
}

function expectSucceeded(run: ScriptRun): void {
  expect(run.stderr, run.stdout).toBe('');
  expect(run.code).toBe(0);
}

/** Every value the run created or used, so no output may contain any of them. */
function secretsOf(c: Cluster): string[] {
  const values = [c.vault.state.rootToken!, c.vault.state.unsealKey!, ...Object.values(c.credentials())];
  for (const p of fixtures.paths) {
    const data = c.vault.kvData(plan.kvMount, p.path) ?? {};
    // A URL's secret is its generated part: the rest (scheme, host, the service name) is not secret.
    for (const k of p.keys) if (k.generate) values.push(...(k.format === 'url' ? data[k.key]!.match(/[0-9a-f]{16,}/g)! : [data[k.key]!]));
  }
  return values;
}

describe('dev bootstrap script against an uninitialized Vault', () => {
  it('inits, unseals, mounts, writes policies, roles and every fixture, and keeps the credentials in the Secret', async () => {
    const c = await freshCluster();
    const run = await c.run();
    expectSucceeded(run);
    const { state } = c.vault;
    expect(state.initialized).toBe(true);
    expect(state.sealed).toBe(false);
    const writes = c.vault.writes().map((w) => `${w.method} ${w.path}`);
    expect(writes.slice(0, 2)).toEqual(['PUT sys/init', 'PUT sys/unseal']);
    expect(writes).toContain('POST sys/mounts/secret');
    expect(writes).toContain('POST sys/auth/kubernetes');
    expect(state.mounts.get('secret')).toEqual({ type: 'kv', options: { version: '2' } });
    expect(state.auth.get('kubernetes')?.type).toBe('kubernetes');
    expect(state.auth.get('kubernetes')?.config).toEqual({ kubernetes_host: 'https://kubernetes.default.svc:443' });
    for (const p of plan.policies) expect(state.policies.get(p.name)).toBe(p.body.policy);
    const roles = state.auth.get('kubernetes')!.roles;
    for (const r of plan.roles) expect(roles.get(r.name)).toMatchObject(r.body);
    expect([...roles.keys()].sort()).toEqual(plan.roles.map((r) => r.name).sort());

    const creds = c.credentials();
    expect(creds['root-token']).toBe(state.rootToken);
    expect(creds['unseal-key']).toBe(state.unsealKey);
    expect(creds.seed).toMatch(/^[0-9a-f]{64}$/);
    for (const p of fixtures.paths) {
      const data = c.vault.kvData(plan.kvMount, p.path);
      expect(Object.keys(data ?? {}).sort(), p.path).toEqual(p.keys.map((k) => k.key).sort());
      for (const k of p.keys) {
        const v = data![k.key]!;
        if (k.value !== undefined) expect(v).toBe(k.value);
        else if (k.generate === 'deterministic') expect(v).toBe(deterministicFixture(creds.seed!, p.path, k.key, k));
        else expect(v).toMatch(new RegExp(`^[0-9a-f]{${k.length}}$`));
      }
    }
    expect(c.vault.kvData('secret', 'dev/agents')?.DATABASE_POOL_SIZE).toBe('5');
    expect(run.stdout).toContain('initialized Vault with one key share');
    expect(run.stdout).toContain('seeded secret/dev/agents: DATABASE_POOL_SIZE (value) DATABASE_URL (deterministic)');
    for (const s of secretsOf(c)) expectNoLeak([run.stdout, run.stderr], s);
  });

  it('writes nothing on a second run', async () => {
    const c = await freshCluster();
    expectSucceeded(await c.run());
    const vaultWrites = c.vault.writes().length;
    const kubeWrites = c.kube.writes().length;
    const kvVersions = [...c.vault.state.kv.values()].map((e) => e.versions.length);
    const second = await c.run();
    expectSucceeded(second);
    expect(c.vault.writes().slice(vaultWrites)).toEqual([]);
    expect(c.kube.writes().slice(kubeWrites)).toEqual([]);
    expect([...c.vault.state.kv.values()].map((e) => e.versions.length)).toEqual(kvVersions);
    expect(second.stdout).toContain('done: nothing to change');
    for (const s of secretsOf(c)) expectNoLeak([second.stdout, second.stderr], s);
  });

  it('never overwrites a value that exists and adds only the absent keys', async () => {
    const c = await freshCluster();
    expectSucceeded(await c.run());
    // An operator replaces the path with a real value and drops the other keys.
    const real = canary('database-url');
    c.vault.putKv('secret', 'dev/agents', { DATABASE_URL: real, EXTRA: 'kept' });
    const run = await c.run();
    expectSucceeded(run);
    expect(c.vault.kvData('secret', 'dev/agents')).toEqual({ DATABASE_URL: real, EXTRA: 'kept', DATABASE_POOL_SIZE: '5' });
    expect(run.stdout).toContain('seeded secret/dev/agents: DATABASE_POOL_SIZE (value)');
    expect(c.vault.writes().filter((w) => w.path === 'secret/data/dev/agents')).toHaveLength(2);
    expectNoLeak([run.stdout, run.stderr], real);
  });

  it('unseals a sealed Vault with the stored key and changes nothing else', async () => {
    const c = await freshCluster();
    expectSucceeded(await c.run());
    c.vault.state.sealed = true;
    const before = c.vault.writes().length;
    const run = await c.run();
    expectSucceeded(run);
    expect(c.vault.writes().slice(before).map((w) => `${w.method} ${w.path}`)).toEqual(['PUT sys/unseal']);
    expect(c.vault.state.sealed).toBe(false);
  });

  it('stops before initializing Vault when it cannot write the credentials Secret', async () => {
    const c = await freshCluster();
    c.kube.fail({ status: 403, reason: 'Forbidden', match: (r) => r.method === 'POST' });
    const run = await c.run();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('create Secret vault/vault-auto-credentials: Kubernetes API answered HTTP 403');
    expect(c.vault.state.initialized).toBe(false);
    expect(c.vault.writes()).toEqual([]);
  });

  it('retries storing a new root token when the Kubernetes API fails once', async () => {
    const c = await freshCluster();
    c.kube.fail({ status: 500, match: (r) => r.method === 'PATCH' });
    const run = await c.run();
    expectSucceeded(run);
    expect(run.stdout).toContain('update Secret vault/vault-auto-credentials: Kubernetes API answered HTTP 500 (attempt 1 of 5)');
    expect(c.credentials()['root-token']).toBe(c.vault.state.rootToken);
  });

  it('re-initializes a wiped Vault, keeps the seed and recreates identical deterministic values', async () => {
    const c = await freshCluster();
    expectSucceeded(await c.run());
    const before = c.vault.kvData('secret', 'dev/platform');
    const seed = c.credentials().seed;
    const oldRoot = c.vault.state.rootToken;
    // Vault's storage is lost; the Secret survives.
    await c.vault.close();
    const wiped = await startVaultStandIn();
    const sa = writeFiles({ token: c.kube.token!, namespace: 'vault' });
    const run = await runScript(paths['bootstrap.sh']!, {
      VAULT_ADDR: wiped.url,
      BOOTSTRAP_CONFIG: paths['bootstrap.json']!,
      BOOTSTRAP_FIXTURES: paths['fixtures.json']!,
      KUBERNETES_API_URL: c.kube.url,
      SERVICEACCOUNT_DIR: sa.token!.replace(/\/token$/, ''),
    });
    try {
      expectSucceeded(run);
      expect(wiped.kvData('secret', 'dev/platform')).toEqual(before);
      expect(c.credentials().seed).toBe(seed);
      expect(c.credentials()['root-token']).toBe(wiped.state.rootToken);
      expect(wiped.state.rootToken).not.toBe(oldRoot);
    } finally {
      await wiped.close();
      open.splice(open.indexOf(c), 1);
      await c.kube.stop();
    }
  });

  it('stops with a clear message when Vault does not answer within the bound', async () => {
    const c = await freshCluster();
    const url = c.vault.url;
    await c.vault.close();
    const run = await runScript(paths['bootstrap.sh']!, {
      VAULT_ADDR: url,
      BOOTSTRAP_CONFIG: paths['bootstrap.json']!,
      BOOTSTRAP_FIXTURES: paths['fixtures.json']!,
      KUBERNETES_API_URL: c.kube.url,
      SERVICEACCOUNT_DIR: writeFiles({ token: c.kube.token!, namespace: 'vault' }).token!.replace(/\/token$/, ''),
      VAULT_WAIT_SECONDS: '1',
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`Vault at ${url} did not become ready within 1s`);
    open.splice(open.indexOf(c), 1);
    await c.kube.stop();
  });
});

/** A fresh cluster with `seed`, bootstrapped with `fixtures` instead of the example's. */
async function runWithFixtures(seed: string, fixtures: FixturePlan): Promise<{ cluster: Cluster; run: ScriptRun }> {
  const f = writeFiles({ 'fixtures.json': JSON.stringify(fixtures) });
  const cluster = await freshCluster({ seed });
  const run = await runScript(paths['bootstrap.sh']!, {
    VAULT_ADDR: cluster.vault.url,
    BOOTSTRAP_CONFIG: paths['bootstrap.json']!,
    BOOTSTRAP_FIXTURES: f['fixtures.json']!,
    KUBERNETES_API_URL: cluster.kube.url,
    SERVICEACCOUNT_DIR: writeFiles({ token: cluster.kube.token!, namespace: 'vault' }).token!.replace(/\/token$/, ''),
  });
  return { cluster, run };
}

describe('deterministic fixture values', () => {
  const deterministicKeys = fixtures.paths.flatMap((p) => p.keys.filter((k) => k.generate === 'deterministic').map((k) => ({ path: p.path, key: k.key })));
  const valuesOf = (c: Cluster) => deterministicKeys.map(({ path, key }) => c.vault.kvData('secret', path)?.[key]);

  it('are identical on two fresh clusters with one seed and differ across seeds', async () => {
    const seed = randomBytes(32).toString('hex');
    const [a, b, other] = [await freshCluster({ seed }), await freshCluster({ seed }), await freshCluster({ seed: randomBytes(32).toString('hex') })];
    const runs = [await a.run(), await b.run(), await other.run()];
    runs.forEach(expectSucceeded);
    expect(deterministicKeys.length).toBeGreaterThan(10);
    const va = valuesOf(a);
    expect(va.every((v) => typeof v === 'string' && v.length >= 20)).toBe(true);
    expect(valuesOf(b)).toEqual(va);
    const vo = valuesOf(other);
    vo.forEach((v, i) => expect(v, `${deterministicKeys[i]!.path}#${deterministicKeys[i]!.key}`).not.toBe(va[i]));
    // The pre-provisioned seed is kept; only the new root token and unseal key are added.
    expect(a.credentials().seed).toBe(seed);
    expect(Object.keys(a.credentials()).sort()).toEqual(['root-token', 'seed', 'unseal-key']);
    // Random values are created per cluster, not derived from the seed.
    expect(a.vault.kvData('secret', 'shared/agents')?.OPENAI_API_KEY).not.toBe(b.vault.kvData('secret', 'shared/agents')?.OPENAI_API_KEY);
    for (const s of [...secretsOf(a), seed]) expectNoLeak(runs.flatMap((r) => [r.stdout, r.stderr]), s);
  });

  it('take the shape their fixture says, computed in the cluster as the TypeScript reference does', async () => {
    const seed = 'fixed-seed';
    const shaped: FixturePlan = {
      paths: [
        {
          path: 'dev/shop',
          keys: [
            { key: 'COOKIE_SECRET', generate: 'deterministic', format: 'base64url', bytes: 32 },
            { key: 'DATABASE_URL', generate: 'deterministic', length: 24, format: 'url', template: 'postgres://{service}:{secret}@postgres.{environment}.svc:5432/{service}?sslmode=disable' },
            { key: 'ODD_KEY', generate: 'deterministic', format: 'base64url', bytes: 31 },
            { key: 'S3_ACCESS_KEY_ID', generate: 'deterministic', length: 20 },
            { key: 'SESSION_KEY', generate: 'random', format: 'base64url', bytes: 16 },
            { key: 'TOKEN_URL', generate: 'random', length: 40, format: 'url', template: 'https://{secret}@api.example/{environment}' },
          ],
        },
      ],
    };
    const { cluster: c, run } = await runWithFixtures(seed, shaped);
    expectSucceeded(run);
    const data = c.vault.kvData('secret', 'dev/shop')!;
    for (const k of shaped.paths[0]!.keys.filter((x) => x.generate === 'deterministic')) expect(data[k.key], k.key).toBe(deterministicFixture(seed, 'dev/shop', k.key, k));
    expect(data.COOKIE_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(data.COOKIE_SECRET!, 'base64url')).toHaveLength(32);
    expect(data.ODD_KEY).toMatch(/^[A-Za-z0-9_-]{42}$/);
    expect(new URL(data.DATABASE_URL!)).toMatchObject({ protocol: 'postgres:', username: 'shop', hostname: 'postgres.dev.svc', port: '5432', pathname: '/shop', search: '?sslmode=disable' });
    expect(new URL(data.DATABASE_URL!).password).toMatch(/^[0-9a-f]{24}$/);
    expect(data.S3_ACCESS_KEY_ID).toMatch(/^[0-9a-f]{20}$/);
    expect(Buffer.from(data.SESSION_KEY!, 'base64url')).toHaveLength(16);
    expect(data.TOKEN_URL).toMatch(/^https:\/\/[0-9a-f]{40}@api\.example\/dev$/);
    for (const v of [data.COOKIE_SECRET!, data.ODD_KEY!, data.SESSION_KEY!, data.S3_ACCESS_KEY_ID!, new URL(data.DATABASE_URL!).password]) expectNoLeak([run.stdout, run.stderr], v);
  });

  it('match the TypeScript reference for values longer than one HMAC block', async () => {
    const seed = 'fixed-seed';
    expect(deterministicFixtureValue(seed, 'dev/x', 'K', 100)).toHaveLength(100);
    expect(deterministicFixtureValue(seed, 'dev/x', 'K', 100).slice(0, 64)).toBe(deterministicFixtureValue(seed, 'dev/x', 'K', 64));
    const long: FixturePlan = { paths: [{ path: 'dev/long', keys: [{ key: 'LONG_SECRET', generate: 'deterministic', length: 100 }] }] };
    const { cluster: c, run } = await runWithFixtures(seed, long);
    expectSucceeded(run);
    expect(c.vault.kvData('secret', 'dev/long')).toEqual({ LONG_SECRET: deterministicFixtureValue(seed, 'dev/long', 'LONG_SECRET', 100) });
  });
});
