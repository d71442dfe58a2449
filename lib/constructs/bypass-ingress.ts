import { bypassAllowed } from '../catalog/bypass-allowed';
import { bypassPathRegexBody, hasWildcard } from '../catalog/bypass-paths';
import type { ClusterModel, EnvironmentInstance } from '../catalog/layout';
import type { ServiceSpec } from '../catalog/types';
import { Annotations } from './metadata';

/** One bypass Ingress as data, rendered by the service-ingress chart through the `ingressRoutes` extension point. */
export interface BypassRoute {
  /** `<service>-bypass`. */
  readonly name: string;
  readonly route: 'bypass';
  readonly paths: readonly { readonly path: string; readonly pathType: 'Exact' | 'ImplementationSpecific' }[];
  /** The controller's regex switch, `secretops.dev/route: bypass` and the declared paths. Must reach the Ingress. */
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * Paths and annotations for declared bypass paths. With any `*`, every path becomes a regex
 * (`ImplementationSpecific`): ingress-nginx's `use-regex` is per Ingress and prefixes `^` itself;
 * Traefik's `PathRegexp` takes the whole expression. Without `*`, paths are `Exact`. Sorted, so
 * output does not depend on catalog order.
 */
export function bypassRoute(declared: readonly string[], controller: 'nginx' | 'traefik', name: string): BypassRoute {
  const regex = declared.some(hasWildcard);
  const sorted = [...declared].sort();
  return {
    name,
    route: 'bypass',
    paths: sorted.map((p) => ({
      path: !regex ? p : controller === 'nginx' ? bypassPathRegexBody(p) : '^' + bypassPathRegexBody(p),
      pathType: regex ? 'ImplementationSpecific' : 'Exact',
    })),
    annotations: {
      ...(!regex ? {} : controller === 'nginx' ? { 'nginx.ingress.kubernetes.io/use-regex': 'true' } : { 'traefik.ingress.kubernetes.io/router.pathmatcher': 'PathRegexp' }),
      [Annotations.route]: 'bypass',
      [Annotations.bypassPaths]: sorted.join(','),
    },
  };
}

/** The service's declared bypass paths where the instance's environment allows bypass routes; else none. */
function declaredBypassPaths(service: ServiceSpec, instance: EnvironmentInstance): readonly string[] {
  return bypassAllowed(instance.environment) ? (service.ingress?.bypassPaths ?? []) : [];
}

/**
 * For a route-based generator (the manifest generator's `ingressRoutes` extension point, whose
 * service-instance plan has these fields): the bypass route of a service instance, or none.
 * Compose as `(s) => [...defaultIngressRoutes(s), ...bypassIngressRoutes(s)]`; the generator must
 * put `annotations` on the Ingress it renders (without them ingress-nginx would not read the path
 * as a regex, and the route would match nothing).
 */
export function bypassIngressRoutes(s: {
  readonly cluster: Pick<ClusterModel, 'ingress'>;
  readonly instance: EnvironmentInstance;
  readonly service: ServiceSpec;
}): BypassRoute[] {
  const paths = declaredBypassPaths(s.service, s.instance);
  return paths.length === 0 ? [] : [bypassRoute(paths, s.cluster.ingress, `${s.service.name}-bypass`)];
}
