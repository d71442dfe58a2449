import { describe, expect, it } from 'vitest';
import { Testing } from 'cdk8s';
import { BypassIngress, bypassIngressesFor, bypassIngressRoutes } from '../../lib/constructs/bypass-ingress';
import { clusters, environmentInstances } from '../../lib/catalog/layout';
import { loadCatalog } from '../../lib/catalog/load';
import type { EnvironmentSpec, ServiceCatalog } from '../../lib/catalog/types';
import { matchBypassPath } from '../../lib/access-keys/bypass-paths';
import { runAccessKeyEnv } from '../../lib/access-keys/run-key-secret';
import { REPO_ROOT } from '../support/tmp';
import { schemaErrors } from '../support/manifest-schemas';
import { join } from 'node:path';

const { catalog } = loadCatalog(join(REPO_ROOT, 'services.yaml'));
const service = (name: string) => catalog.spec.services.find((s) => s.name === name)!;
const env = (name: string) => catalog.spec.environments.find((e) => e.name === name)!;
const clusterOf = (e: EnvironmentSpec, c: ServiceCatalog = catalog) => clusters(c).find((x) => x.name === e.cluster)!;

/** Synthesizes the bypass ingresses of a service in every instance of an environment. */
function render(serviceName: string, environment: EnvironmentSpec) {
  const chart = Testing.chart();
  for (const instance of environmentInstances(environment)) {
    bypassIngressesFor(chart, service(serviceName), instance, {
      cluster: clusterOf(environment),
      host: `agents.${instance.name}.${environment.domain}`,
      source: 'services.yaml#/spec/services/0',
      partOf: catalog.metadata.name,
    });
  }
  return Testing.synth(chart);
}

describe('bypass ingress', () => {
  it('in an AI slot: exactly the declared paths, no external auth, annotated as a bypass route', () => {
    const docs = render('agents', env('ai'));
    expect(docs).toHaveLength(3);
    const slot1 = docs.find((d) => d.metadata.namespace === 'ai-slot-1');
    expect(slot1).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'agents-bypass',
        namespace: 'ai-slot-1',
        labels: {
          'app.kubernetes.io/managed-by': 'secretops',
          'app.kubernetes.io/component': 'bypass-ingress',
          'app.kubernetes.io/name': 'agents',
          'app.kubernetes.io/instance': 'ai-slot-1',
          'app.kubernetes.io/part-of': 'ameide',
        },
        annotations: {
          'secretops.dev/source': 'services.yaml#/spec/services/0',
          'secretops.dev/cluster': 'nonprod',
          'secretops.dev/environment': 'ai',
          'secretops.dev/instance': 'ai-slot-1',
          'nginx.ingress.kubernetes.io/use-regex': 'true',
          'secretops.dev/route': 'bypass',
          'secretops.dev/bypass-paths': '/api/v1/runs/*/bypass',
        },
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'agents.ai-slot-1.ai.ameide.dev',
            http: { paths: [{ path: '/api/v1/runs/[^/]+/bypass$', pathType: 'ImplementationSpecific', backend: { service: { name: 'agents', port: { number: 8080 } } } }] },
          },
        ],
      },
    });
    for (const d of docs) {
      expect(schemaErrors(d as never)).toEqual([]);
      expect(Object.keys(d.metadata.annotations).filter((k) => /auth-(url|signin|response-headers)|middlewares/.test(k))).toEqual([]);
    }
  });

  it('the nginx regex routes exactly what the middleware accepts', () => {
    const path = service('agents').ingress!.bypassPaths![0]!;
    const nginx = new RegExp('^' + render('agents', env('ai'))[0].spec.rules[0].http.paths[0].path);
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
    expect(render('agents', env('production'))).toEqual([]);
    expect(render('agents', env('dev'))).toEqual([]);
    expect(render('platform', env('ai'))).toEqual([]);
    expect(render('agents-runtime', env('ai'))).toEqual([]);
  });

  it('production gets one when the environment sets allowBypass: true', () => {
    const docs = render('agents', { ...env('production'), allowBypass: true });
    expect(docs.map((d) => [d.metadata.namespace, d.metadata.annotations['secretops.dev/route']])).toEqual([['production', 'bypass']]);
  });

  it('traefik: wildcard paths become an IngressRoute with an anchored PathRegexp; literal paths are Exact Ingress paths', () => {
    const chart = Testing.chart();
    new BypassIngress(chart, 'regex', { namespace: 'ai-slot-1', host: 'h.example', paths: ['/runs/*/bypass'], backend: { serviceName: 's', port: 80 }, controller: 'traefik' });
    new BypassIngress(chart, 'exact', { namespace: 'ai-slot-1', host: 'h.example', paths: ['/hooks/run', '/hooks/ping'], backend: { serviceName: 't', port: 80 }, tlsSecretName: 'h-tls' });
    const [regex, exact] = Testing.synth(chart);
    // Before: an Ingress path "^/runs/..." that the API server refuses (paths must start with "/").
    expect(regex).toMatchObject({ apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 's-bypass', namespace: 'ai-slot-1' } });
    expect(regex.metadata.annotations).not.toHaveProperty('traefik.ingress.kubernetes.io/router.pathmatcher');
    expect(regex.metadata.annotations).toMatchObject({ 'secretops.dev/route': 'bypass', 'secretops.dev/bypass-paths': '/runs/*/bypass' });
    expect(regex.spec.routes).toEqual([{ kind: 'Rule', match: 'Host(`h.example`) && PathRegexp(`^/runs/[^/]+/bypass$`)', services: [{ name: 's', port: 80 }] }]);
    expect(exact.metadata.annotations).not.toHaveProperty('nginx.ingress.kubernetes.io/use-regex');
    expect(exact.spec.rules[0].http.paths.map((p: { path: string; pathType: string }) => [p.path, p.pathType])).toEqual([['/hooks/ping', 'Exact'], ['/hooks/run', 'Exact']]);
    expect(exact.spec.tls).toEqual([{ hosts: ['h.example'], secretName: 'h-tls' }]);
    expect(schemaErrors(exact as never)).toEqual([]);
  });

  it('refuses external-auth annotations and empty or relative paths, naming the construct and prop', () => {
    const base = { namespace: 'n', host: 'h', backend: { serviceName: 's', port: 1 } };
    expect(() => new BypassIngress(Testing.chart(), 'a', { ...base, paths: ['/x'], annotations: { 'nginx.ingress.kubernetes.io/auth-url': 'u' } })).toThrow(/BypassIngress .*a: annotation 'nginx.ingress.kubernetes.io\/auth-url' would put the bypass route behind external auth/);
    expect(() => new BypassIngress(Testing.chart(), 'b', { ...base, paths: [] })).toThrow(/'paths' is empty/);
    expect(() => new BypassIngress(Testing.chart(), 'c', { ...base, paths: ['x'] })).toThrow(/path "x" must be absolute/);
  });

  it('as routes for the generator: one bypass route per AI slot instance, none in production', () => {
    const routes = (e: EnvironmentSpec, name = 'agents') =>
      environmentInstances(e).flatMap((instance) => bypassIngressRoutes({ cluster: clusterOf(e), instance, service: service(name) }));
    expect(routes(env('ai'))).toHaveLength(3);
    expect(routes(env('ai'))[0]).toEqual({
      name: 'agents-bypass',
      route: 'bypass',
      paths: [{ path: '/api/v1/runs/[^/]+/bypass$', pathType: 'ImplementationSpecific' }],
      annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true', 'secretops.dev/route': 'bypass', 'secretops.dev/bypass-paths': '/api/v1/runs/*/bypass' },
    });
    expect(routes(env('production'))).toEqual([]);
    expect(routes(env('dev'))).toEqual([]);
    expect(routes(env('ai'), 'platform')).toEqual([]);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(render('agents', env('ai')))).toBe(JSON.stringify(render('agents', env('ai'))));
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
