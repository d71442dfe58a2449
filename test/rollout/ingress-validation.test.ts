import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ingressErrors, ingressPathErrors } from '../../lib/rollout/admission';
import type { Manifest } from '../../lib/rollout/cluster-dist';
import { exampleDist, generatedDist } from './support';

function objects(files: ReadonlyMap<string, string>): Manifest[] {
  return [...files].filter(([f]) => f.endsWith('.yaml')).flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as Manifest));
}

describe('the API server\'s Ingress path validation (pkg/apis/networking/validation)', () => {
  it('requires absolute paths for every path type, and clean ones for Exact and Prefix', () => {
    expect(ingressPathErrors('/api', 'Prefix')).toEqual([]);
    expect(ingressPathErrors('/api/v1/runs/[^/]+/bypass$', 'ImplementationSpecific')).toEqual([]);
    expect(ingressPathErrors(undefined, 'ImplementationSpecific')).toEqual([]);
    expect(ingressPathErrors('^/api/v1/runs/[^/]+/bypass$', 'ImplementationSpecific')).toEqual(['path: Invalid value: "^/api/v1/runs/[^/]+/bypass$": must be an absolute path']);
    expect(ingressPathErrors('api', 'Exact')).toEqual(['path: Invalid value: "api": must be an absolute path']);
    expect(ingressPathErrors('/a//b', 'Prefix')).toEqual(["path: Invalid value: \"/a//b\": must not contain '//'"]);
    expect(ingressPathErrors('/a/..', 'Exact')).toEqual(["path: Invalid value: \"/a/..\": cannot end with '/..'"]);
    expect(ingressPathErrors('/a%2Fb', 'Exact')).toEqual(["path: Invalid value: \"/a%2Fb\": must not contain '%2F'"]);
    expect(ingressPathErrors('/a', undefined)).toEqual(['pathType: Required value: pathType must be specified']);
    expect(ingressPathErrors('/a', 'Regex')).toEqual(['pathType: Unsupported value: "Regex"']);
  });

  for (const [catalog, render] of [
    ['example', exampleDist],
    ['generated', generatedDist],
  ] as const) {
    for (const adapter of ['nginx', 'traefik'] as const) {
      it(`accepts every Ingress synth renders: ${catalog} catalog, ${adapter}`, () => {
        const all = objects(render(adapter));
        const ingresses = all.filter((o) => o.kind === 'Ingress');
        expect(ingresses.length).toBeGreaterThan(0);
        for (const i of ingresses) expect(ingressErrors(i), `${i.metadata.namespace}/${i.metadata.name}`).toEqual([]);
        if (catalog === 'example') {
          // The wildcard bypass path: an nginx regex location, or on Traefik an IngressRoute matching exactly.
          const bypass = all.filter((o) => o.metadata.name === 'agents-bypass');
          expect(bypass.map((o) => o.kind)).toEqual(adapter === 'nginx' ? ['Ingress', 'Ingress', 'Ingress'] : ['IngressRoute', 'IngressRoute', 'IngressRoute']);
          if (adapter === 'traefik') {
            const routes = bypass.map((o) => (o.spec as { routes: { match: string }[] }).routes[0]!.match);
            expect(routes[0]).toBe('Host(`agents-slot-1.ai.ameide.dev`) && PathRegexp(`^/api/v1/runs/[^/]+/bypass$`)');
            // Go's regexp and JavaScript's agree on this expression: anchored both ends, one segment.
            const re = new RegExp(/PathRegexp\(`([^`]+)`\)/.exec(routes[0]!)![1]!);
            expect(['/api/v1/runs/r1/bypass', '/x/api/v1/runs/r1/bypass', '/api/v1/runs/r1/bypass/more', '/api/v1/runs/a/b/bypass'].map((p) => re.test(p))).toEqual([true, false, false, false]);
          }
        }
      });
    }
  }
});
