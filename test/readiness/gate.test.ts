import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { schemaErrors } from '../support/manifest-schemas';
import { renderGateScript } from '../../lib/readiness/gate-script';
import { gateModeOf, gateSecretsFor, SecretReadinessGate } from '../../lib/constructs/secret-readiness-gate';
import { loadProject } from '../../lib/project/load';
import { KubernetesApiStandIn } from '../stand-ins/kubernetes-api';
import { canary, expectNoLeak } from '../support/canary';
import { exampleProject, REPO_ROOT, tempDir } from '../support/tmp';
import { readdirSync, readFileSync } from 'node:fs';
import { synthesizeCatalog } from '../../lib/synthesis/synthesize';

const script = renderGateScript({
  namespace: 'dev',
  secrets: [
    { name: 'db-migrations-credentials', keys: ['DATABASE_URL'] },
    { name: 'platform-session', keys: ['JWT_SIGNING_KEY', 'SESSION_SECRET'] },
  ],
});

describe('the readiness gate script', () => {
  it('passes shellcheck', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'gate.sh'), script);
    expect(() => execFileSync('shellcheck', ['-s', 'sh', join(dir, 'gate.sh')], { stdio: 'pipe' })).not.toThrow();
  });

  it('refuses names that are not Kubernetes names', () => {
    expect(() => renderGateScript({ namespace: 'dev', secrets: [{ name: "x'; rm -rf /", keys: ['A'] }] })).toThrow(/invalid Secret name/);
    expect(() => renderGateScript({ namespace: 'dev', secrets: [{ name: 'x', keys: ['$(id)'] }] })).toThrow(/invalid key/);
  });
});

describe('the readiness gate script against a Kubernetes API stand-in', () => {
  const api = new KubernetesApiStandIn({ token: 'gate-token' });
  const value = canary('gate-value');
  let dir: string;

  beforeAll(async () => {
    await api.start();
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    for (const o of api.list('v1', 'Secret')) api.remove('v1', 'Secret', o.metadata.namespace, o.metadata.name);
    dir = tempDir();
    mkdirSync(join(dir, 'sa'));
    writeFileSync(join(dir, 'sa', 'token'), 'gate-token');
    writeFileSync(join(dir, 'sa', 'ca.crt'), '');
    writeFileSync(join(dir, 'gate.sh'), script);
  });

  const seed = (name: string, keys: string[]) =>
    api.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'dev' }, data: Object.fromEntries(keys.map((k) => [k, Buffer.from(value).toString('base64')])) });

  const runGate = (timeout = 2): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn('sh', [join(dir, 'gate.sh')], {
        env: { PATH: process.env.PATH, SECRETOPS_KUBE_API: api.url, SECRETOPS_SA_DIR: join(dir, 'sa'), GATE_TIMEOUT_SECONDS: String(timeout), GATE_INTERVAL_SECONDS: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  it('exits 0 when every Secret holds every key, printing no value', async () => {
    seed('db-migrations-credentials', ['DATABASE_URL']);
    seed('platform-session', ['JWT_SIGNING_KEY', 'SESSION_SECRET', 'EXTRA']);
    const r = await runGate();
    expect(r.stdout).toMatch(/2 Secret\(s\) ready in dev/);
    expect(r.code).toBe(0);
    expectNoLeak([r.stdout, r.stderr], value);
    // It authenticated with the service-account token.
    expect(api.requests.every((q) => q.status !== 401)).toBe(true);
  });

  it('fails naming the Secret and the missing keys, and a missing Secret', async () => {
    seed('platform-session', ['JWT_SIGNING_KEY']);
    const r = await runGate(1);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Secret dev\/db-migrations-credentials does not exist/);
    expect(r.stderr).toMatch(/Secret dev\/platform-session is missing keys: SESSION_SECRET/);
    expectNoLeak([r.stdout, r.stderr], value);
  });

  it('waits for a Secret that appears later', async () => {
    seed('platform-session', ['JWT_SIGNING_KEY', 'SESSION_SECRET']);
    const later = setTimeout(() => seed('db-migrations-credentials', ['DATABASE_URL']), 1200);
    try {
      const r = await runGate(8);
      expect(r.code).toBe(0);
    } finally {
      clearTimeout(later);
    }
  });

  it('reports a refused read with its status', async () => {
    writeFileSync(join(dir, 'sa', 'token'), 'wrong');
    const r = await runGate(1);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read Secret dev\/db-migrations-credentials \(HTTP 401\)/);
  });
});

describe('SecretReadinessGate', () => {
  const project = loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') });

  it('is on by default for services that run migrations', () => {
    const svc = (name: string) => project.catalog.spec.services.find((s) => s.name === name)!;
    expect(gateModeOf(svc('db-migrations'))).toBe('hook');
    expect(gateModeOf(svc('agents'))).toBe('none');
  });

  it('gates exactly the Vault-backed required keys', () => {
    expect(gateSecretsFor(project.resolver, 'dev', 'db-migrations')).toEqual([{ name: 'db-migrations-credentials', keys: ['DATABASE_URL'] }]);
    // SENTRY_DSN is optional, DATABASE_POOL_SIZE resolves to a value in dev fixtures (environment tier).
    expect(gateSecretsFor(project.resolver, 'ai', 'agents')).toEqual([
      { name: 'agents-db-credentials', keys: ['DATABASE_URL'] },
      { name: 'agents-llm-credentials', keys: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'] },
    ]);
  });

  it('renders a Sync hook Job with least RBAC that validates against the Kubernetes schemas', () => {
    const chart = Testing.chart();
    new SecretReadinessGate(chart, 'gate', { namespace: 'dev', service: 'db-migrations', secrets: gateSecretsFor(project.resolver, 'dev', 'db-migrations') });
    const objects = Testing.synth(chart) as { kind: string; metadata: { annotations: Record<string, string> }; rules?: unknown; spec?: any }[];
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Job', 'Role', 'RoleBinding', 'ServiceAccount']);
    for (const o of objects) {
      expect(schemaErrors(o as never), o.kind).toEqual([]);
      expect(o.metadata.annotations['argocd.argoproj.io/hook']).toBe('Sync');
      expect(o.metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBe('BeforeHookCreation,HookSucceeded');
    }
    const role = objects.find((o) => o.kind === 'Role')!;
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['db-migrations-credentials'], verbs: ['get'] }]);
    const job = objects.find((o) => o.kind === 'Job')!;
    expect(job.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('3');
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'GATE_TIMEOUT_SECONDS', value: '300' });
    expect(job.spec.backoffLimit).toBe(0);
  });

  it('refuses a gate with nothing to wait for', () => {
    expect(() => new SecretReadinessGate(Testing.chart(), 'g', { namespace: 'dev', service: 's', secrets: [] })).toThrow(/'secrets' must name at least one Secret/);
  });
});

describe('SecretReadinessGate in init-container mode', () => {
  const project = loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') });

  it('renders the script and RBAC for the workload service account, no Job, no hook', () => {
    const chart = Testing.chart();
    const gate = new SecretReadinessGate(chart, 'gate', {
      namespace: 'dev',
      service: 'agents',
      secrets: gateSecretsFor(project.resolver, 'dev', 'agents'),
      mode: 'init-container',
      workloadServiceAccount: 'agents-api',
    });
    const objects = Testing.synth(chart) as { kind: string; metadata: { annotations: Record<string, string> }; subjects?: unknown }[];
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Role', 'RoleBinding']);
    for (const o of objects) expect(o.metadata.annotations['argocd.argoproj.io/hook']).toBeUndefined();
    expect(objects.find((o) => o.kind === 'RoleBinding')!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'agents-api', namespace: 'dev' }]);
    // What the workload adds to its pod spec is a valid init container with its volume.
    const pod = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'w' }, spec: { template: { spec: { restartPolicy: 'Never', initContainers: [gate.initContainer], containers: [{ name: 'app', image: 'app' }], volumes: [gate.volume] } } } };
    expect(schemaErrors(pod)).toEqual([]);
    expect(gate.initContainer.command).toEqual(['/bin/sh', '/secretops/gate.sh']);
  });

  it('is what synth renders for a service whose catalog asks for it', async () => {
    const dir = exampleProject();
    const file = join(dir, 'services.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    - name: agents\n      scope: environment\n', '    - name: agents\n      scope: environment\n      readiness:\n        gate: init-container\n'));
    const out = join(dir, 'dist');
    synthesizeCatalog({ servicesFile: file, outdir: out, cwd: dir });
    expect(readdirSync(join(out, 'nonprod', 'dev', 'agents'))).toContain('readiness-gate.yaml');
    const text = readFileSync(join(out, 'nonprod', 'dev', 'agents', 'readiness-gate.yaml'), 'utf8');
    expect(text).toMatch(/kind: RoleBinding/);
    expect(text).toMatch(/name: agents\n\s+namespace: dev/);
    expect(text).not.toMatch(/kind: Job/);
  });
});
