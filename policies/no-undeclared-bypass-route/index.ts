import { bypassAllowed } from '../../lib/catalog/bypass-allowed';
import { environmentInstances } from '../../lib/catalog/layout';
import type { EnvironmentSpec, ServiceSpec } from '../../lib/catalog/types';
import { Annotations, Labels } from '../../lib/constructs/metadata';
import { CatalogIndex, catalogIndex } from '../helpers/catalog-index';
import { ingressRoutes, isIngress, normalisePathPattern } from '../helpers/k8s/ingress';
import { displayName, KubeObject, objectsOf, ptr, refOf } from '../helpers/k8s/objects';
import { shownPath } from '../helpers/k8s/shown';
import type { Rule } from '../../lib/scan/types';

/**
 * In AI slots every path of a service sits behind oauth2-proxy except the bypass paths the catalog
 * declares, which a run-scoped access key guards in the service itself. A route that skips
 * oauth2-proxy for anything else, or in an environment that does not allow bypass routes at all,
 * opens the service to the internet.
 *
 * A route counts as a bypass when it is marked `secretops.dev/route: bypass`, or when it serves a
 * catalog service's host in an environment whose ingresses go through oauth2-proxy (ephemeral tier
 * or slotted) without the external-auth annotations (ingress-nginx `auth-url`, a Traefik
 * middleware).
 */
export const noUndeclaredBypassRoute: Rule = {
  meta: {
    id: 'no-undeclared-bypass-route',
    description: 'An ingress route skips oauth2-proxy for paths the catalog does not declare as bypass paths, or where bypass routes are not allowed.',
    remediation:
      'Route only the service\'s declared ingress.bypassPaths around oauth2-proxy (declare new ones in the catalog and let synth render the route), keep every other path behind the external-auth annotations, and set allowBypass on an environment only after review.',
    defaultSeverity: 'error',
    docs: 'policies/no-undeclared-bypass-route/README.md',
    scope: 'document',
    interest: /\bkind:\s*["']?Ingress(Route)?\b|"kind"\s*:\s*"Ingress/,
  },
  checkDocument(doc, ctx, report) {
    if (!ctx.project) return;
    const idx = catalogIndex(ctx.project);
    for (const o of objectsOf(doc)) {
      if (!isIngress(o)) continue;
      const reported = new Set<string>();
      const flag = (pointer: string, message: string) => {
        if (reported.has(message)) return;
        reported.add(message);
        report({ doc, pointer, object: refOf(o), message: `${o.kind} "${displayName(o.name ?? '?', o.namespace)}" ${message}` });
      };
      const marked = o.annotations[Annotations.route] === 'bypass';
      const markAt = ptr(o.at, 'metadata', 'annotations', Annotations.route);
      const placed = idx.placement(o).environments;
      for (const route of ingressRoutes(o)) {
        const match = route.host ? serviceForHost(idx, route.host) : undefined;
        const service = serviceByLabel(idx, o) ?? match?.service;
        const env = placed.length === 1 ? placed[0] : (match?.environment ?? (route.host ? environmentForHost(idx, route.host) : undefined));
        const unguarded = service !== undefined && env !== undefined && behindOauth2Proxy(env) && !route.externalAuth;
        if (!marked && !unguarded) continue;
        const what = marked ? 'is a bypass route' : `routes ${route.host ?? 'its host'} around oauth2-proxy (no external-auth annotation)`;
        if (env && !bypassAllowed(env)) {
          flag(marked ? markAt : route.at, `${what} in ${env.tier === 'production' ? 'production ' : ''}environment "${env.name}", which does not allow bypass routes (allowBypass)`);
        }
        if (!service) {
          flag(marked ? markAt : route.at, `${what} for ${route.host ? `host "${route.host}"` : 'no host'}, which matches no catalog service with an ingress`);
          continue;
        }
        const declared = service.ingress?.bypassPaths ?? [];
        if (declared.length === 0) {
          flag(route.at, `${what} for service "${service.name}", which declares no ingress.bypassPaths`);
          continue;
        }
        if (route.path === undefined) {
          flag(route.at, `${what} for every path of service "${service.name}"; only its declared bypass paths (${declared.join(', ')}) may skip oauth2-proxy`);
          continue;
        }
        const allowed = new Set(declared.map(normalisePathPattern));
        if (!allowed.has(normalisePathPattern(route.path))) {
          flag(route.at, `${what} for path "${shownPath(route.path)}", which is not one of service "${service.name}"'s declared ingress.bypassPaths (${declared.join(', ')})`);
        }
      }
    }
  },
};

/** Ephemeral environments (and any with slots) send their ingresses through oauth2-proxy. */
function behindOauth2Proxy(env: EnvironmentSpec): boolean {
  return env.tier === 'ephemeral' || (env.slots ?? 0) > 0;
}

function serviceByLabel(idx: CatalogIndex, o: KubeObject): ServiceSpec | undefined {
  const name = o.labels[Labels.name];
  return name ? idx.project.catalog.spec.services.find((s) => s.name === name && s.ingress) : undefined;
}

/**
 * `{host}.{domain}`, or a per-instance host of one of the environment's instances:
 * `{host}-{instance}.{domain}`, `{host}-slot-{n}.{domain}` or `{host}.{instance}.{domain}`.
 */
function serviceForHost(idx: CatalogIndex, host: string): { service: ServiceSpec; environment: EnvironmentSpec } | undefined {
  const h = host.toLowerCase();
  for (const environment of idx.project.catalog.spec.environments) {
    const domain = environment.domain.toLowerCase();
    if (!h.endsWith(`.${domain}`)) continue;
    const labels = h.slice(0, -domain.length - 1).split('.');
    const instances = environmentInstances(environment).map((i) => i.name);
    // `ai-slot-2` also appears as `slot-2` once the domain already names the environment.
    const suffixes = new Set(instances.flatMap((i) => [i, i.startsWith(`${environment.name}-`) ? i.slice(environment.name.length + 1) : i]));
    for (const service of idx.project.catalog.spec.services) {
      const prefix = service.ingress?.host.toLowerCase();
      if (!prefix) continue;
      const ok =
        (labels.length === 1 && (labels[0] === prefix || [...suffixes].some((x) => labels[0] === `${prefix}-${x}`))) ||
        (labels.length === 2 && labels[0] === prefix && instances.includes(labels[1]!));
      if (ok) return { service, environment };
    }
  }
  return undefined;
}

function environmentForHost(idx: CatalogIndex, host: string): EnvironmentSpec | undefined {
  const h = host.toLowerCase();
  return idx.project.catalog.spec.environments
    .filter((e) => h === e.domain.toLowerCase() || h.endsWith(`.${e.domain.toLowerCase()}`))
    .sort((a, b) => b.domain.length - a.domain.length)[0];
}

export default noUndeclaredBypassRoute;
