import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProject, Project } from '../../lib/project/load';
import { environmentInstances } from '../../lib/catalog/layout';
import { Annotations, Labels, STAGE_WAVES, STAGES } from '../../lib/constructs/metadata';
import { COMPONENT_DESCRIPTOR, ComponentDescriptor } from '../../lib/constructs/argocd-application-set';
import { renderProject } from '../../lib/synthesis/synthesize';
import { distObjects, DistObject } from '../support/dist';
import { hasSchema, schemaErrors } from '../support/manifest-schemas';
import { REPO_ROOT } from '../support/tmp';

let project: Project;
let files: ReadonlyMap<string, string>;
let objects: DistObject[];

beforeAll(() => {
  project = loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') });
  files = renderProject(project, 'services.yaml').files;
  objects = distObjects(files);
});

const ofKind = (kind: string) => objects.filter((o) => o.manifest.kind === kind);
const ann = (o: DistObject, key: string) => o.manifest.metadata?.annotations?.[key];
type ExternalSecretJson = { spec: { target: { name: string; creationPolicy: string; deletionPolicy: string }; data: { secretKey: string; remoteRef: { key: string; property: string } }[] } };
const esSpec = (o: DistObject) => (o.manifest as unknown as ExternalSecretJson).spec;
const clusterOf = (o: DistObject) => o.file.split('/')[0]!;

describe('the example dist', () => {
  it('renders every kind the issue asks for', () => {
    const kinds = new Set(objects.map((o) => o.manifest.kind));
    for (const k of ['ClusterSecretStore', 'ExternalSecret', 'ConfigMap', 'Namespace', 'Deployment', 'Service', 'Ingress', 'ApplicationSet', 'ClusterRoleBinding']) expect(kinds).toContain(k);
  });

  it('validates every object against the upstream schema of its kind, with apiVersion and kind pinned', () => {
    const problems: string[] = [];
    for (const o of objects) {
      const { apiVersion, kind } = o.manifest;
      if (!hasSchema(apiVersion, kind)) {
        problems.push(`${o.file}: ${apiVersion}/${kind} has no upstream schema`);
        continue;
      }
      for (const e of schemaErrors(o.manifest)) problems.push(`${o.file} ${kind}/${o.manifest.metadata?.name}: ${e}`);
    }
    expect(problems).toEqual([]);
    // ESO schemas do not pin these: check them ourselves.
    for (const o of ofKind('ExternalSecret')) expect(o.manifest.apiVersion).toBe('external-secrets.io/v1');
    for (const o of ofKind('ClusterSecretStore')) expect(o.manifest.apiVersion).toBe('external-secrets.io/v1');
  });

  it('labels every object and names the catalog entry it came from', () => {
    const catalogName = project.catalog.metadata.name;
    for (const o of objects) {
      const labels = o.manifest.metadata?.labels ?? {};
      expect(labels[Labels.name], o.file).toBeTruthy();
      expect(labels[Labels.managedBy], o.file).toBe('secretops');
      // argocd-cm must keep part-of=argocd or Argo CD ignores it; everything else is part of the catalog.
      expect(labels[Labels.partOf], o.file).toBe(o.manifest.metadata?.name === 'argocd-cm' ? 'argocd' : catalogName);
      const source = ann(o, Annotations.source);
      expect(source, o.file).toMatch(/^services\.yaml#\/spec/);
      const pointer = source!.slice('services.yaml#'.length);
      expect(lookup(project.catalog, pointer), `${o.file}: ${source} points at nothing`).toBeDefined();
    }
  });

  it('gives every ExternalSecret key a Vault path and property that exist in its environment inventory', () => {
    const es = ofKind('ExternalSecret');
    expect(es.length).toBeGreaterThan(0);
    for (const o of es) {
      const envs = ann(o, Annotations.environment)!.split(',');
      for (const env of envs) {
        const inventory = project.fixtures.inventories.get(env)!;
        for (const d of esSpec(o).data) expect(inventory.has(d.remoteRef.key, d.remoteRef.property), `${o.file}: ${d.remoteRef.key}#${d.remoteRef.property} in ${env}`).toBe(true);
      }
    }
  });

  it('puts every required platform key in exactly the ExternalSecret (or defaults ConfigMap) of its secret', () => {
    const { catalog } = project;
    for (const env of catalog.spec.environments) {
      for (const inst of environmentInstances(env)) {
        for (const service of catalog.spec.services.filter((s) => s.scope === 'environment')) {
          const here = objects.filter((o) => o.file.startsWith(`${env.cluster}/${inst.name}/${service.name}/`));
          for (const secret of service.secrets.filter((s) => s.level === 'platform')) {
            for (const key of secret.keys.filter((k) => !k.optional)) {
              const inSecrets = here.filter((o) => o.manifest.kind === 'ExternalSecret' && esSpec(o).data.some((d) => d.secretKey === key.name));
              const inConfig = here.filter((o) => o.manifest.kind === 'ConfigMap' && key.name in ((o.manifest as unknown as { data?: Record<string, string> }).data ?? {}));
              const where = `${inst.name}/${service.name}/${secret.name}#${key.name}`;
              expect(inSecrets.length + inConfig.length, where).toBe(1);
              const owner = inSecrets[0] ?? inConfig[0]!;
              expect(owner.manifest.metadata?.name, where).toBe(inSecrets[0] ? secret.name : `${secret.name}-defaults`);
            }
          }
        }
      }
    }
  });

  it('puts every required key of a singleton secret in the ExternalSecret of each of its instances', () => {
    const { catalog } = project;
    for (const service of catalog.spec.services.filter((s) => s.scope === 'infrastructure-singleton')) {
      const instances = objects.filter((o) => o.manifest.kind === 'ExternalSecret' && o.manifest.metadata?.labels?.[Labels.name] === service.name);
      expect(instances.length).toBe(3);
      for (const secret of service.secrets.filter((s) => s.level === 'platform')) {
        for (const o of instances.filter((x) => x.manifest.metadata?.name?.startsWith(`${secret.name}-`))) {
          const keys = esSpec(o).data.map((d) => d.secretKey);
          for (const key of secret.keys.filter((k) => !k.optional)) expect(keys.filter((k) => k === key.name), `${o.file}#${key.name}`).toHaveLength(1);
        }
      }
    }
  });

  it('never puts a base value into a Secret: defaults go to ConfigMaps', () => {
    const pool = objects.filter((o) => o.file.startsWith('prod/production/agents/'));
    const es = pool.find((o) => o.manifest.kind === 'ExternalSecret' && o.manifest.metadata?.name === 'agents-db-credentials')!;
    expect(esSpec(es).data.map((d) => d.secretKey)).toEqual(['DATABASE_URL']);
    const cm = pool.find((o) => o.manifest.kind === 'ConfigMap')!;
    expect((cm.manifest as unknown as { data: Record<string, string> }).data).toEqual({ DATABASE_POOL_SIZE: '10' });
    // In dev the fixture holds the value in Vault: environment tier wins over the base value.
    const dev = objects.find((o) => o.file === 'nonprod/dev/agents/external-secrets.yaml' && o.manifest.metadata?.name === 'agents-db-credentials')!;
    expect(esSpec(dev).data.find((d) => d.secretKey === 'DATABASE_POOL_SIZE')?.remoteRef).toEqual({ key: 'dev/agents', property: 'DATABASE_POOL_SIZE' });
  });

  it('reads the AI override keys in AI slots and the plain keys elsewhere', () => {
    const runtime = (file: string) => esSpec(objects.find((o) => o.file === file && o.manifest.kind === 'ExternalSecret')!).data;
    expect(runtime('nonprod/ai-slot-2/agents-runtime/external-secrets.yaml').map((d) => d.remoteRef)).toEqual([
      { key: 'ai/agents-runtime', property: 'CODEXK8S_API_TOKEN_AI' },
      { key: 'ai/agents-runtime', property: 'CODEXK8S_WEBHOOK_SECRET_AI' },
    ]);
    expect(runtime('nonprod/dev/agents-runtime/external-secrets.yaml').map((d) => d.remoteRef.property)).toEqual(['CODEXK8S_API_TOKEN', 'CODEXK8S_WEBHOOK_SECRET']);
  });

  it('renders exactly one oauth2-proxy Deployment per cluster and OAuth client, none in any slot', () => {
    const deployments = ofKind('Deployment').filter((o) => o.manifest.metadata?.labels?.[Labels.name] === 'oauth2-proxy');
    const perClient = new Map<string, number>();
    for (const d of deployments) {
      const k = `${clusterOf(d)}/${ann(d, Annotations.oauthClient)}`;
      perClient.set(k, (perClient.get(k) ?? 0) + 1);
      expect(d.manifest.metadata?.namespace).toBe('platform');
      expect(d.file).toMatch(/^[^/]+\/_cluster\//);
    }
    expect(Object.fromEntries(perClient)).toEqual({
      'prod/GITHUB_OAUTH_CLIENT_ID': 1,
      'nonprod/GITHUB_OAUTH_CLIENT_ID_AI': 1,
      'nonprod/GITHUB_OAUTH_CLIENT_ID': 1,
    });
    expect(objects.filter((o) => /slot/.test(o.manifest.metadata?.namespace ?? '') && o.manifest.metadata?.labels?.[Labels.name] === 'oauth2-proxy')).toEqual([]);
  });

  it('has the AI oauth2-proxy read the *_AI keys and production read its own', () => {
    const creds = (name: string) => esSpec(ofKind('ExternalSecret').find((o) => o.manifest.metadata?.name === name)!).data;
    expect(creds('oauth2-proxy-credentials-ai').map((d) => d.remoteRef.property)).toEqual(['GITHUB_OAUTH_CLIENT_ID_AI', 'GITHUB_OAUTH_CLIENT_SECRET_AI', 'OAUTH2_PROXY_COOKIE_SECRET_AI']);
    expect(creds('oauth2-proxy-credentials-production').map((d) => d.remoteRef.property)).toEqual(['GITHUB_OAUTH_CLIENT_ID', 'GITHUB_OAUTH_CLIENT_SECRET', 'OAUTH2_PROXY_COOKIE_SECRET']);
    const ai = ofKind('Deployment').find((o) => o.manifest.metadata?.name === 'oauth2-proxy-ai')!;
    const args = (ai.manifest as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0]!.args;
    expect(args).toContain('--cookie-domain=.ai.ameide.dev');
    expect(args).toContain('--whitelist-domain=.ai.ameide.dev');
    expect(args).toContain('--cookie-name=_oauth2_proxy_ai');
    expect(args).toContain('--redirect-url=https://oauth2.ai.ameide.dev/oauth2/callback');
  });

  it('sends AI-slot ingresses through the AI instance and leaves production ingresses alone', () => {
    const ingresses = ofKind('Ingress').filter((o) => o.manifest.metadata?.labels?.[Labels.name] !== 'oauth2-proxy');
    const inSlots = ingresses.filter((o) => o.manifest.metadata?.namespace?.startsWith('ai-slot-'));
    const ai = inSlots.filter((o) => ann(o, Annotations.route) !== 'bypass');
    expect(ai.length).toBe(4 * 3);
    // The bypass routes (issue 8) are the only other slot ingresses: exactly the declared paths, no external auth.
    const bypass = inSlots.filter((o) => ann(o, Annotations.route) === 'bypass');
    expect(bypass.map((o) => o.manifest.metadata?.name)).toEqual(['agents-bypass', 'agents-bypass', 'agents-bypass']);
    for (const o of bypass) expect(Object.keys(o.manifest.metadata!.annotations!).filter((k) => k.includes('auth-'))).toEqual([]);
    for (const o of ai) {
      const a = o.manifest.metadata!.annotations!;
      expect(a['nginx.ingress.kubernetes.io/auth-url']).toBe('http://oauth2-proxy-ai.platform.svc.cluster.local:4180/oauth2/auth');
      expect(a['nginx.ingress.kubernetes.io/auth-signin']).toBe('https://oauth2.ai.ameide.dev/oauth2/start?rd=$scheme://$host$escaped_request_uri');
      expect(a['nginx.ingress.kubernetes.io/auth-response-headers']).toBe('X-Auth-Request-User,X-Auth-Request-Email');
      expect(a[Annotations.route]).toBe('protected');
      const host = (o.manifest as unknown as { spec: { rules: { host: string }[] } }).spec.rules[0]!.host;
      expect(host).toMatch(/^[a-z]+-slot-[1-3]\.ai\.ameide\.dev$/);
    }
    const production = ingresses.filter((o) => o.manifest.metadata?.namespace === 'production');
    expect(production.length).toBe(4);
    expect(production.filter((o) => ann(o, Annotations.route) === 'bypass')).toEqual([]);
    for (const o of production) {
      expect(Object.keys(o.manifest.metadata!.annotations!).filter((k) => k.includes('auth'))).toEqual([]);
      expect(ann(o, Annotations.route)).toBe('public');
    }
    for (const o of ofKind('Ingress')) expect(Object.keys(o.manifest.metadata?.annotations ?? {}).filter((k) => k.endsWith('snippet'))).toEqual([]);
  });

  it('renders only ExternalSecrets ESO accepts: no Delete with Merge, one ExternalSecret per target Secret', () => {
    const targets = new Map<string, string>();
    for (const o of ofKind('ExternalSecret')) {
      const { target } = esSpec(o);
      expect(target.deletionPolicy === 'Delete' && target.creationPolicy === 'Merge').toBe(false);
      expect(target.deletionPolicy === 'Merge' && target.creationPolicy === 'None').toBe(false);
      expect(esSpec(o).data.length).toBeGreaterThan(0);
      expect(target.name).toBe(o.manifest.metadata?.name);
      const k = `${clusterOf(o)}/${o.manifest.metadata?.namespace}/${target.name}`;
      expect(targets.get(k), k).toBeUndefined();
      targets.set(k, o.file);
    }
  });

  it('puts one ClusterSecretStore per cluster in the earliest wave, for Vault KV v2 with Kubernetes auth', () => {
    const stores = ofKind('ClusterSecretStore');
    expect(stores.map((o) => clusterOf(o)).sort()).toEqual(['nonprod', 'prod']);
    for (const o of stores) {
      expect(ann(o, Annotations.syncWave)).toBe(String(STAGE_WAVES.foundation));
      expect((o.manifest as unknown as { spec: unknown }).spec).toEqual({
        provider: {
          vault: {
            server: 'http://vault.vault.svc:8200',
            path: 'secret',
            version: 'v2',
            auth: { kubernetes: { mountPath: 'kubernetes', role: 'external-secrets', serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } } },
          },
        },
      });
    }
  });

  it('orders delivery with sync waves: foundation, then secrets, then workloads', () => {
    const wave = (o: DistObject) => Number(ann(o, Annotations.syncWave));
    for (const o of objects.filter((x) => !x.file.startsWith('_argocd/'))) expect(ann(o, Annotations.syncWave), o.file).toMatch(/^-?\d+$/);
    for (const o of ofKind('ExternalSecret')) expect(wave(o)).toBe(STAGE_WAVES.secrets);
    for (const o of ofKind('Namespace')) expect(wave(o)).toBe(STAGE_WAVES.foundation);
    for (const o of [...ofKind('Deployment'), ...ofKind('Ingress')]) expect(wave(o)).toBe(STAGE_WAVES.workloads);
  });

  it('describes every component folder for the ApplicationSet, and the ApplicationSet walks the stages in order', () => {
    const descriptors = [...files].filter(([f]) => f.endsWith(`/${COMPONENT_DESCRIPTOR}`));
    expect(descriptors.length).toBeGreaterThan(40);
    const apps = new Set<string>();
    for (const [file, text] of descriptors) {
      const d = JSON.parse(text) as ComponentDescriptor;
      expect(STAGES).toContain(d.stage);
      expect(d.wave).toBe(String(STAGE_WAVES[d.stage as keyof typeof STAGE_WAVES]));
      expect(file.startsWith(`${d.cluster}/`)).toBe(true);
      expect(apps.has(d.app), d.app).toBe(false);
      apps.add(d.app);
      const dir = file.slice(0, -COMPONENT_DESCRIPTOR.length - 1);
      expect([...files.keys()].some((f) => f.startsWith(`${dir}/`) && f.endsWith('.yaml')), `${dir} has manifests`).toBe(true);
    }
    const sets = ofKind('ApplicationSet');
    expect(sets.map((o) => o.file).sort()).toEqual(['_argocd/applicationset-nonprod.yaml', '_argocd/applicationset-prod.yaml']);
    const spec = (sets[0]!.manifest as unknown as { spec: { strategy: { rollingSync: { steps: { matchExpressions: { values: string[] }[] }[] } }; generators: { git: { files: { path: string }[] } }[] } }).spec;
    expect(spec.strategy.rollingSync.steps.map((s) => s.matchExpressions[0]!.values[0])).toEqual([...STAGES]);
    expect(spec.generators[0]!.git.files[0]!.path).toMatch(/^dist\/(nonprod|prod)\/\*\*\/component\.json$/);
  });

  it("wires the other helpers' constructs in through the extension points", () => {
    // Vault bootstrap (issue 5): the production Job on prod, the dev CronJob elsewhere, each its own bootstrap-stage component.
    const bootstrap = objects.filter((o) => o.file.endsWith('/_cluster/vault-bootstrap/vault-bootstrap.yaml'));
    expect(bootstrap.filter((o) => clusterOf(o) === 'prod').map((o) => o.manifest.kind)).toContain('Job');
    expect(bootstrap.filter((o) => clusterOf(o) === 'prod').map((o) => o.manifest.kind)).not.toContain('CronJob');
    expect(bootstrap.filter((o) => clusterOf(o) === 'nonprod').map((o) => o.manifest.kind)).toContain('CronJob');
    for (const c of ['prod', 'nonprod']) expect(JSON.parse(files.get(`${c}/_cluster/vault-bootstrap/component.json`)!).stage).toBe('bootstrap');
    // Readiness gates (issue 9): a Sync hook Job in db-migrations' own Application, after the ExternalSecrets and before workloads.
    const gates = objects.filter((o) => o.file.endsWith('/readiness-gate.yaml') && o.manifest.kind === 'Job');
    expect(gates.map((o) => o.file).sort()).toEqual([
      'nonprod/ai-slot-1/db-migrations/readiness-gate.yaml',
      'nonprod/ai-slot-2/db-migrations/readiness-gate.yaml',
      'nonprod/ai-slot-3/db-migrations/readiness-gate.yaml',
      'nonprod/dev/db-migrations/readiness-gate.yaml',
      'prod/production/db-migrations/readiness-gate.yaml',
    ]);
    for (const g of gates) {
      expect(ann(g, 'argocd.argoproj.io/hook')).toBe('Sync');
      const wave = Number(ann(g, Annotations.syncWave));
      expect(wave).toBeGreaterThan(STAGE_WAVES.secrets);
      expect(wave).toBeLessThan(STAGE_WAVES.workloads);
    }
  });

  it('ships the ExternalSecret health check for argocd-cm', () => {
    const cm = ofKind('ConfigMap').find((o) => o.manifest.metadata?.name === 'argocd-cm')!;
    const lua = (cm.manifest as unknown as { data: Record<string, string> }).data['resource.customizations.health.external-secrets.io_ExternalSecret']!;
    expect(lua).toContain('condition.type == "Ready"');
    expect(lua).toContain('hs.status = "Healthy"');
    expect(lua).toContain('hs.status = "Degraded"');
  });
});

function lookup(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const seg of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}
