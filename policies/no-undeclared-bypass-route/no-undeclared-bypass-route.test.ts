import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../lib/project/load';
import { normalisePathPattern } from '../helpers/k8s/ingress';
import { renderedBypassIngresses } from '../../test/support/dist';
import { exampleProject, loadMiniProject, policyCases, scanFiles } from '../../test/support/scan-files';
import { noUndeclaredBypassRoute as rule } from './index';

let project: Project;
beforeAll(() => {
  project = loadMiniProject();
});

const bypass = (ns: string, host: string, paths: string[], annotations = '') =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: b\n  namespace: ${ns}\n  annotations:\n    secretops.dev/route: bypass\n${annotations}spec:\n  rules:\n    - host: ${host}\n      http:\n        paths:\n${paths
    .map((p) => `          - {path: "${p}", pathType: ImplementationSpecific, backend: {service: {name: api, port: {number: 8080}}}}`)
    .join('\n')}\n`;

describe('no-undeclared-bypass-route', () => {

  it('compares path patterns in one form', () => {
    const declared = normalisePathPattern('/api/v1/runs/*/bypass');
    for (const p of ['/api/v1/runs/[^/]+/bypass', '^/api/v1/runs/([^/]+)/bypass$', '/api/v1/runs/.*/bypass/', '/api/v1/runs/{id}/bypass']) expect(normalisePathPattern(p), p).toBe(declared);
    for (const p of ['/api/v1/runs', '/api', '/api/v1/runs/*/bypass/admin']) expect(normalisePathPattern(p), p).not.toBe(declared);
  });

  it('names the undeclared path and the declared ones, on the path line', async () => {
    const f = await scanFiles(rule, { 'i.yaml': bypass('ai-slot-1', 'api-ai-slot-1.ai.mini.dev', ['/api/v1/runs/*/bypass', '/api/admin']) }, { project });
    expect(f.map((x) => [x.line, x.message])).toEqual([
      [14, 'Ingress "ai-slot-1/b" is a bypass route for path "/api/admin", which is not one of service "api"\'s declared ingress.bypassPaths (/api/v1/runs/*/bypass)'],
    ]);
  });

  it('refuses a bypass route in an environment without allowBypass, and allows it where set', async () => {
    const text = bypass('dev', 'api.dev.mini.dev', ['/api/v1/runs/*/bypass']);
    const f = await scanFiles(rule, { 'i.yaml': text }, { project });
    expect(f.map((x) => x.message)).toEqual(['Ingress "dev/b" is a bypass route in environment "dev", which does not allow bypass routes (allowBypass)']);
    const allowing = { ...project, catalog: { ...project.catalog, spec: { ...project.catalog.spec, environments: project.catalog.spec.environments.map((e) => (e.name === 'dev' ? { ...e, allowBypass: true } : e)) } } };
    expect(await scanFiles(rule, { 'i.yaml': text }, { project: allowing })).toEqual([]);
  });

  it('reports a bypass route whose host matches no catalog service', async () => {
    const f = await scanFiles(rule, { 'i.yaml': bypass('ai-slot-1', 'grafana.ai.mini.dev', ['/']) }, { project });
    expect(f.map((x) => x.message)).toEqual(['Ingress "ai-slot-1/b" is a bypass route for host "grafana.ai.mini.dev", which matches no catalog service with an ingress']);
  });

  it('needs a catalog', async () => {
    const { ng } = policyCases(__dirname);
    for (const [name, text] of ng) expect(await scanFiles(rule, { [name]: text })).toEqual([]);
  });

  it('accepts what synth renders for bypassPaths on either controller, and nothing more', async () => {
    const example = exampleProject();
    for (const ingress of ['nginx', 'traefik'] as const) {
      const made = renderedBypassIngresses(ingress).filter((o) => o.manifest.metadata?.namespace === 'ai-slot-1');
      expect(made).toHaveLength(1);
      const yaml = stringify(made[0]!.manifest);
      expect(await scanFiles(rule, { 'b.yaml': yaml }, { project: example }), ingress).toEqual([]);
      const widened = yaml.replace(/path: (\S*bypass\S*)/, 'path: /api/v1/runs');
      expect((await scanFiles(rule, { 'b.yaml': widened }, { project: example })).map((x) => x.message), ingress).toEqual([
        'Ingress "ai-slot-1/agents-bypass" is a bypass route for path "/api/v1/runs", which is not one of service "agents"\'s declared ingress.bypassPaths (/api/v1/runs/*/bypass)',
      ]);
    }
  });

  it('refuses synth\'s bypass route in production, where the catalog does not allow bypass routes', async () => {
    const example = exampleProject();
    // Rendered with allowBypass on, scanned against the catalog without it.
    const made = renderedBypassIngresses('nginx', (t) => t.replace('      requireApproval: true\n', '      requireApproval: true\n      allowBypass: true\n'))
      .filter((o) => o.manifest.metadata?.namespace === 'production');
    expect(made).toHaveLength(1);
    const f = await scanFiles(rule, { 'b.yaml': stringify(made[0]!.manifest) }, { project: example });
    expect(f.map((x) => x.message)).toEqual(['Ingress "production/agents-bypass" is a bypass route in production environment "production", which does not allow bypass routes (allowBypass)']);
  });
});
