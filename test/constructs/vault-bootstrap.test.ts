import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEV_CREDENTIALS_SECRET } from '../../lib/bootstrap/dev-script';
import type { BootstrapPlan, FixturePlan } from '../../lib/bootstrap/plan';
import { checkSealSpec } from '../../lib/bootstrap/seal';
import { Annotations, Labels } from '../../lib/constructs/metadata';
import { addVaultBootstrap } from '../../lib/constructs/vault-bootstrap';
import { VaultDevBootstrap } from '../../lib/constructs/vault-dev-bootstrap';
import { VaultProductionBootstrap } from '../../lib/constructs/vault-production-bootstrap';
import { UserError } from '../../lib/errors';
import { isProductionTier } from '../../lib/catalog/types';
import type { Project } from '../../lib/project/load';
import { schemaErrors } from '../support/manifest-schemas';
import { clusterNamed, exampleProjectModel } from '../bootstrap/script-harness';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
}

const project = exampleProjectModel();

function synthCluster(name: string, p: Project = project): Manifest[] {
  const chart = Testing.chart();
  addVaultBootstrap(chart, clusterNamed(p, name), p);
  return Testing.synth(chart) as Manifest[];
}

const find = (ms: Manifest[], kind: string, name: string) => ms.find((m) => m.kind === kind && m.metadata.name === name);

describe('addVaultBootstrap', () => {
  const prod = synthCluster('prod');
  const nonprod = synthCluster('nonprod');

  it('gives a production cluster the scoped-token Job only: no CronJob, no vault-auto-credentials, no fixtures, no init or unseal', () => {
    expect(prod.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/vault-bootstrap-script',
      'ConfigMap/vault-seal-config',
      'Job/vault-bootstrap',
      'ServiceAccount/vault-bootstrap',
    ]);
    const text = JSON.stringify(prod);
    expect(text).not.toContain(DEV_CREDENTIALS_SECRET);
    expect(text).not.toContain('fixtures.json');
    const script = (find(prod, 'ConfigMap', 'vault-bootstrap-script')!.data as Record<string, string>)['bootstrap.sh']!;
    expect(script).not.toMatch(/vault_call (PUT|POST) sys\/(init|unseal)/);
    expect(script).toContain('refusing a root token');
  });

  it('gives a non-production cluster the CronJob and no production Job', () => {
    expect(nonprod.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/vault-bootstrap-fixtures',
      'ConfigMap/vault-bootstrap-script',
      'CronJob/vault-bootstrap',
      'Role/vault-bootstrap',
      'RoleBinding/vault-bootstrap',
      'ServiceAccount/vault-bootstrap',
    ]);
    expect(nonprod.some((m) => m.kind === 'Job')).toBe(false);
  });

  it('renders every fixture key that an ExternalSecret of a non-production environment references', () => {
    const fixtures = JSON.parse((find(nonprod, 'ConfigMap', 'vault-bootstrap-fixtures')!.data as Record<string, string>)['fixtures.json']!) as FixturePlan;
    const rendered = new Set(fixtures.paths.flatMap((p) => p.keys.map((k) => `${p.path}#${k.key}`)));
    const referenced = clusterNamed(project, 'nonprod')
      .environments.filter((e) => !isProductionTier(e.tier))
      .flatMap((e) => project.resolver.resolveEnvironment(e.name))
      .flatMap((r) => (r.winner?.vault ? [`${r.winner.vault.path}#${r.winner.vault.property}`] : []));
    expect(referenced.length).toBeGreaterThan(40);
    expect(referenced.filter((ref) => !rendered.has(ref))).toEqual([]);
    expect(rendered.has('ai/agents-runtime#CODEXK8S_API_TOKEN_AI')).toBe(true);
    expect(rendered.has('shared/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID_AI')).toBe(true);
  });

  it('every manifest validates against its Kubernetes schema and carries the metadata contract', () => {
    for (const m of [...prod, ...nonprod]) {
      expect(schemaErrors(m), `${m.kind}/${m.metadata.name}`).toEqual([]);
      expect(m.metadata.namespace).toBe('vault');
      expect(m.metadata.labels).toMatchObject({ [Labels.name]: 'vault-bootstrap', [Labels.partOf]: 'ameide', [Labels.managedBy]: 'secretops' });
      expect(m.metadata.annotations?.[Annotations.source]).toBe('services.yaml#/spec/vault');
    }
  });

  it('is deterministic', () => {
    expect(synthCluster('nonprod')).toEqual(nonprod);
    expect(synthCluster('prod')).toEqual(prod);
  });
});

describe('VaultDevBootstrap', () => {
  const nonprod = synthCluster('nonprod');
  const cron = find(nonprod, 'CronJob', 'vault-bootstrap')!;
  const spec = cron.spec as Record<string, any>;

  it('runs one at a time with bounded history and backoff, as a non-root pod', () => {
    expect(spec).toMatchObject({ schedule: '*/10 * * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3 });
    expect(spec.jobTemplate.spec.backoffLimit).toBe(3);
    const pod = spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('vault-bootstrap');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.containers[0].command).toEqual(['/bin/sh', '/etc/secretops/bootstrap/bootstrap.sh']);
  });

  it('may touch only the vault-auto-credentials Secret (create cannot be restricted by name)', () => {
    expect(find(nonprod, 'Role', 'vault-bootstrap')!.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['vault-auto-credentials'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
    expect(find(nonprod, 'RoleBinding', 'vault-bootstrap')!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'vault-bootstrap', namespace: 'vault' }]);
  });

  it('takes schedule and image from props, then the catalog', () => {
    const chart = Testing.chart();
    const withCatalog = {
      ...project,
      catalog: { ...project.catalog, spec: { ...project.catalog.spec, vault: { ...project.catalog.spec.vault, bootstrap: { schedule: '0 * * * *', image: 'registry.example/tools:1' } } } },
    };
    const a = new VaultDevBootstrap(chart, 'a', { cluster: clusterNamed(project, 'nonprod'), project: withCatalog });
    const b = new VaultDevBootstrap(chart, 'b', { cluster: clusterNamed(project, 'nonprod'), project: withCatalog, schedule: '*/5 * * * *', image: 'x/y:2' });
    expect([a.schedule, a.image, b.schedule, b.image]).toEqual(['0 * * * *', 'registry.example/tools:1', '*/5 * * * *', 'x/y:2']);
  });

  it('refuses a production cluster', () => {
    expect(() => new VaultDevBootstrap(Testing.chart(), 'x', { cluster: clusterNamed(project, 'prod'), project })).toThrow(/production-tier.*VaultProductionBootstrap/);
  });

  it('renders a plan with a read-only policy per environment and service and the store role holding them all', () => {
    const plan = JSON.parse((find(nonprod, 'ConfigMap', 'vault-bootstrap-script')!.data as Record<string, string>)['bootstrap.json']!) as BootstrapPlan;
    const agents = plan.policies.find((p) => p.name === 'secretops-ai-agents')!;
    expect(agents.body.policy).toContain('path "secret/data/ai/agents" {\n  capabilities = ["read"]\n}');
    expect(agents.body.policy).toContain('path "secret/data/shared/agents"');
    expect(agents.body.policy).not.toMatch(/create|update|delete/);
    const store = plan.roles.find((r) => r.name === 'external-secrets')!;
    expect(store.body.token_policies).toEqual(plan.policies.map((p) => p.name));
    expect(store.body.bound_service_account_names).toEqual(['external-secrets']);
    expect(plan.policies.every((p) => !p.name.includes('production'))).toBe(true);
  });
});

describe('VaultProductionBootstrap', () => {
  const prod = synthCluster('prod');
  const job = find(prod, 'Job', 'vault-bootstrap')!;

  it('is an Argo CD Sync hook one wave after its ConfigMap that mounts the scoped token Secret and no service account token', () => {
    expect(job.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation', 'argocd.argoproj.io/sync-wave': '-19' });
    expect(find(prod, 'ConfigMap', 'vault-bootstrap-script')!.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('-20');
    const pod = (job.spec as any).template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toContainEqual({ name: 'bootstrap-token', secret: { secretName: 'vault-bootstrap-token', items: [{ key: 'token', path: 'token' }], defaultMode: 0o440 } });
    expect(pod.containers[0].env).toContainEqual({ name: 'BOOTSTRAP_TOKEN_FILE', value: '/var/run/secrets/secretops/bootstrap-token/token' });
    expect(find(prod, 'ServiceAccount', 'vault-bootstrap')!.automountServiceAccountToken).toBe(false);
  });

  it('takes the token Secret name and key from props', () => {
    const chart = Testing.chart();
    new VaultProductionBootstrap(chart, 'p', { cluster: clusterNamed(project, 'prod'), project, tokenSecretName: 'vault-bootstrap-2026', tokenSecretKey: 'vault-token', trigger: 'sync-wave' });
    const ms = Testing.synth(chart) as Manifest[];
    const j = find(ms, 'Job', 'vault-bootstrap')!;
    expect(j.metadata.annotations?.['argocd.argoproj.io/hook']).toBeUndefined();
    expect(JSON.stringify(j)).toContain('"secretName":"vault-bootstrap-2026"');
    const script = (find(ms, 'ConfigMap', 'vault-bootstrap-script')!.data as Record<string, string>)['bootstrap.sh']!;
    expect(script).toContain("DEFAULT_TOKEN_SECRET='vault/vault-bootstrap-2026 (key vault-token)'");
  });

  it('renders no seal ConfigMap when the catalog has no spec.vault.seal', () => {
    const { seal: _seal, ...vault } = project.catalog.spec.vault;
    const withoutSeal = { ...project, catalog: { ...project.catalog, spec: { ...project.catalog.spec, vault } } };
    const ms = synthCluster('prod', withoutSeal);
    expect(ms.some((m) => m.metadata.name === 'vault-seal-config')).toBe(false);
    expect(ms.some((m) => m.kind === 'Job')).toBe(true);
  });

  it('renders the KMS seal stanza and Helm values from spec.vault.seal', () => {
    const data = find(prod, 'ConfigMap', 'vault-seal-config')!.data as Record<string, string>;
    expect(data['seal.hcl']).toBe('seal "awskms" {\n  kms_key_id = "alias/ameide-vault-unseal"\n  region = "eu-central-1"\n}\n');
    const values = parse(data['values.yaml']!);
    expect(values.server.ha).toMatchObject({ enabled: true, raft: { enabled: true } });
    expect(values.server.ha.raft.config).toContain('storage "raft"');
    expect(values.server.ha.raft.config).toContain(data['seal.hcl']);
  });

  it.each([
    ['awskms', 'secret_key'],
    ['transit', 'token'],
    ['azurekeyvault', 'client_secret'],
  ] as const)('refuses the credential %s/%s in the catalog', (type, key) => {
    let err: unknown;
    try {
      checkSealSpec({ type, config: { [key]: 'x', region: 'r' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).diagnostics[0]).toMatchObject({ pointer: `/spec/vault/seal/config/${key}` });
    expect((err as UserError).message).toContain('is a credential and must not be in the catalog');
  });
});
