import { describe, expect, it } from 'vitest';
import { bypassIngressRoutes, bypassRoute } from '../../lib/constructs/bypass-ingress';
import { clusters, environmentInstances } from '../../lib/catalog/layout';
import { loadCatalog } from '../../lib/catalog/load';
import type { EnvironmentSpec, ServiceCatalog } from '../../lib/catalog/types';
import { matchBypassPath } from '../../lib/catalog/bypass-paths';
import { runAccessKeyEnv } from '../../lib/access-keys/run-key-secret';
import { REPO_ROOT } from '../support/tmp';
import { schemaErrors } from '../support/manifest-schemas';
import { renderedBypassIngresses } from '../support/dist';
import { join } from 'node:path';

const { catalog } = loadCatalog(join(REPO_ROOT, 'services.yaml'));
const service = (name: string) => catalog.spec.services.find((s) => s.name === name)!;
const env = (name: string) => catalog.spec.environments.find((e) => e.name === name)!;
const clusterOf = (e: EnvironmentSpec, c: ServiceCatalog = catalog) => clusters(c).find((x) => x.name === e.cluster)!;

const rendered = (controller: 'nginx' | 'traefik' = 'nginx', edit?: (t: string) => string) => renderedBypassIngresses(controller, edit).map((o) => o.manifest as never as BypassManifest);
interface BypassManifest {
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { ingressClassName?: string; rules: { host: string; http: { paths: { path: string; pathType: string; backend: unknown }[] } }[] };
}
const routes = (e: EnvironmentSpec, name = 'agents') =>
  environmentInstances(e).flatMap((instance) => bypassIngressRoutes({ cluster: clusterOf(e), instance, service: service(name) }));

// What synth renders for bypassPaths (the bypassIngressRoutes extension through the service-ingress
// chart), asserted on the real output of renderProject.
describe('bypass ingress', () => {
  it('in an AI slot: exactly the declared paths, no external auth, annotated as a bypass route', () => {
    const docs = rendered();
    expect(docs.map((d) => d.metadata.namespace).sort()).toEqual(['ai-slot-1', 'ai-slot-2', 'ai-slot-3']);
    const slot1 = docs.find((d) => d.metadata.namespace === 'ai-slot-1')!;
    expect(slot1.metadata.name).toBe('agents-bypass');
    expect(slot1.metadata.labels['app.kubernetes.io/managed-by']).toBe('secretops');
    expect(slot1.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/use-regex': 'true',
      'secretops.dev/route': 'bypass',
      'secretops.dev/bypass-paths': '/api/v1/runs/*/bypass',
      'secretops.dev/environment': 'ai',
    });
    expect(slot1.spec.ingressClassName).toBe('nginx');
    expect(slot1.spec.rules).toEqual([
      {
        host: 'agents-slot-1.ai.ameide.dev',
        http: { paths: [{ path: '/api/v1/runs/[^/]+/bypass$', pathType: 'ImplementationSpecific', backend: { service: { name: 'agents', port: { number: 8080 } } } }] },
      },
    ]);
    for (const d of docs) {
      expect(schemaErrors(d as never)).toEqual([]);
      expect(Object.keys(d.metadata.annotations).filter((k) => /auth-(url|signin|response-headers)|middlewares/.test(k))).toEqual([]);
    }
  });

  it('the nginx regex routes exactly what the middleware accepts', () => {
    const path = service('agents').ingress!.bypassPaths![0]!;
    const nginx = new RegExp('^' + routes(env('ai'))[0]!.paths[0]!.path);
    for (const [p, routed] of [
      ['/api/v1/runs/run-1/bypass', true],
      ['/api/v1/runs/run-1/bypass/more', false],
      ['/api/v1/runs//bypass', false],
      ['/api/v1/runs/a/b/bypass', false],
      ['/api/v1/runs/run-1/other', false],
    ] as const) {
      expect([p, nginx.test(p)]).toEqual([p, routed]);
      expect([p, matchBypassPath([path], p) !== undefined]).toEqual([p, routed]);
    }
  });

  it('none in production, dev, or for services without bypass paths', () => {
    expect(routes(env('production'))).toEqual([]);
    expect(routes(env('dev'))).toEqual([]);
    expect(routes(env('ai'), 'platform')).toEqual([]);
    expect(routes(env('ai'), 'agents-runtime')).toEqual([]);
    expect(rendered().filter((d) => !d.metadata.namespace.startsWith('ai-slot-'))).toEqual([]);
  });

  it('production gets one when the environment sets allowBypass: true', () => {
    const docs = rendered('nginx', (t) => t.replace('      requireApproval: true\n', '      requireApproval: true\n      allowBypass: true\n'));
    expect(docs.filter((d) => d.metadata.namespace === 'production').map((d) => [d.metadata.name, d.spec.rules[0]!.host])).toEqual([['agents-bypass', 'agents.ameide.io']]);
  });

  it('traefik: PathRegexp routers; literal paths are Exact without regex', () => {
    const [regex] = rendered('traefik');
    expect(regex!.metadata.annotations).toMatchObject({ 'traefik.ingress.kubernetes.io/router.pathmatcher': 'PathRegexp' });
    expect(regex!.metadata.annotations).not.toHaveProperty('nginx.ingress.kubernetes.io/use-regex');
    expect(regex!.spec.rules[0]!.http.paths[0]).toMatchObject({ path: '^/api/v1/runs/[^/]+/bypass$', pathType: 'ImplementationSpecific' });
    const exact = bypassRoute(['/hooks/run', '/hooks/ping'], 'nginx', 't-bypass');
    expect(exact.annotations).not.toHaveProperty('nginx.ingress.kubernetes.io/use-regex');
    expect(exact.paths.map((p) => [p.path, p.pathType])).toEqual([['/hooks/ping', 'Exact'], ['/hooks/run', 'Exact']]);
    expect(schemaErrors(regex as never)).toEqual([]);
  });

  it('as routes for the generator: one bypass route per AI slot instance, none in production', () => {
    expect(routes(env('ai'))).toHaveLength(3);
    expect(routes(env('ai'))[0]).toEqual({
      name: 'agents-bypass',
      route: 'bypass',
      paths: [{ path: '/api/v1/runs/[^/]+/bypass$', pathType: 'ImplementationSpecific' }],
      annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true', 'secretops.dev/route': 'bypass', 'secretops.dev/bypass-paths': '/api/v1/runs/*/bypass' },
    });
  });
});

describe('run access key hand-off', () => {
  it('renders SECRETOPS_RUN_ACCESS_KEY as a secretKeyRef in a valid Job, never a literal', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'run-42', namespace: 'ai-slot-1' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'agent', image: 'agent:1', env: [runAccessKeyEnv('secretops-run-key-run-42')] }] } } },
    };
    expect(schemaErrors(job as never)).toEqual([]);
    expect(job.spec.template.spec.containers[0]!.env[0]).toEqual({ name: 'SECRETOPS_RUN_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'secretops-run-key-run-42', key: 'SECRETOPS_RUN_ACCESS_KEY' } } });
    expect(job.spec.template.spec.containers[0]!.env[0]).not.toHaveProperty('value');
    expect(() => runAccessKeyEnv('Not_Valid')).toThrow(/not a valid Secret name/);
  });
});
