import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { bypassAllowed } from '../access-keys/bypass-policy';
import { bypassPathRegexBody, hasWildcard } from '../access-keys/bypass-paths';
import type { ClusterModel, EnvironmentInstance } from '../catalog/layout';
import { serviceNamespace } from '../catalog/layout';
import type { ServiceSpec } from '../catalog/types';
import { Annotations, Labels, MANAGED_BY } from './metadata';
import { needsTraefikIngressRoute, TRAEFIK_PATH_MATCHER, TraefikIngressRoute } from './traefik-ingress-route';

export const BYPASS_COMPONENT = 'bypass-ingress';

export interface BypassIngressProps {
  /**
   * Namespace of the Ingress: the namespace of the service it routes to.
   */
  readonly namespace: string;

  /**
   * Host the Ingress serves. Pass the host of the service's protected (oauth2-proxy) Ingress, so
   * that exactly the bypass paths of that host skip the login.
   */
  readonly host: string;

  /**
   * Paths as the catalog declares them (`ingress.bypassPaths`): absolute, `*` standing for one path
   * segment. Each is routed exactly (no sub-paths).
   */
  readonly paths: readonly string[];

  /** The Service and port that requests go to: the same backend as the protected Ingress. */
  readonly backend: { readonly serviceName: string; readonly port: number };

  /**
   * Ingress controller. `nginx` renders `*` paths as ingress-nginx regex locations
   * (`nginx.ingress.kubernetes.io/use-regex: "true"`, pathType `ImplementationSpecific`); `traefik`
   * as a Traefik IngressRoute with an anchored `PathRegexp` (an Ingress path must start with `/`,
   * and Traefik's PathRegexp is unanchored: see traefik-ingress-route.ts). Paths without `*` are
   * `Exact` Ingress paths on both.
   * @default "nginx"
   * @see https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/
   */
  readonly controller?: 'nginx' | 'traefik';

  /**
   * IngressClass name.
   * @default - none: the cluster's default class
   */
  readonly ingressClassName?: string;

  /**
   * Name of the Ingress.
   * @default "<backend.serviceName>-bypass"
   */
  readonly name?: string;

  /**
   * TLS Secret for the host (the protected Ingress's, so both serve one certificate).
   * @default - no TLS section
   */
  readonly tlsSecretName?: string;

  /**
   * Extra labels (the metadata contract: name, part-of, instance...).
   * @default - managed-by and component only
   */
  readonly labels?: Readonly<Record<string, string>>;

  /**
   * Extra annotations (source, environment, instance, cluster). Any external-auth annotation is
   * refused: this Ingress exists to route around oauth2-proxy, and only for these paths.
   * @default - the route and bypass-paths annotations only
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** One bypass Ingress as data: what the construct renders, and what a route-based generator can render itself. */
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
      ...(!regex ? {} : controller === 'nginx' ? { 'nginx.ingress.kubernetes.io/use-regex': 'true' } : { [TRAEFIK_PATH_MATCHER]: 'PathRegexp' }),
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

/** Annotations that would put this Ingress behind oauth2-proxy (or any external auth). */
const EXTERNAL_AUTH = /^(nginx\.ingress\.kubernetes\.io\/auth-|traefik\.ingress\.kubernetes\.io\/router\.middlewares$)/;

/**
 * The second Ingress of a service in an AI slot: exactly the catalog's bypass paths, without the
 * external-auth annotations, so the service's access-key middleware decides. Annotated
 * `secretops.dev/route: bypass` and with the declared paths, so the scanner can tie it back to the
 * catalog (`no-undeclared-bypass-route`).
 */
export class BypassIngress extends Construct {
  readonly name: string;
  readonly controller: 'nginx' | 'traefik';
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: BypassIngressProps) {
    super(scope, id);
    this.name = props.name ?? `${props.backend.serviceName}-bypass`;
    this.controller = props.controller ?? 'nginx';
    const where = `BypassIngress ${this.node.path}`;
    if (props.paths.length === 0) throw new Error(`${where}: 'paths' is empty; render no BypassIngress for a service without bypass paths`);
    for (const p of props.paths) {
      if (!p.startsWith('/') || /\s/.test(p)) throw new Error(`${where}: path "${p}" must be absolute and without spaces`);
    }
    for (const key of Object.keys(props.annotations ?? {})) {
      if (EXTERNAL_AUTH.test(key)) throw new Error(`${where}: annotation '${key}' would put the bypass route behind external auth; remove it`);
    }
    const route = bypassRoute(props.paths, this.controller, this.name);
    const labels = { [Labels.managedBy]: MANAGED_BY, [Labels.component]: BYPASS_COMPONENT, ...props.labels };
    if (this.controller === 'traefik' && needsTraefikIngressRoute(route.annotations)) {
      const { [TRAEFIK_PATH_MATCHER]: _regexSwitch, ...annotations } = { ...props.annotations, ...route.annotations };
      this.apiObject = new TraefikIngressRoute(this, 'Route', {
        name: this.name,
        namespace: props.namespace,
        host: props.host,
        paths: route.paths,
        backend: props.backend,
        ...(props.tlsSecretName ? { tlsSecretName: props.tlsSecretName } : {}),
        metadata: { labels, annotations },
      }).resource;
      return;
    }
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels,
        annotations: { ...props.annotations, ...route.annotations },
      },
      spec: {
        ...(props.ingressClassName ? { ingressClassName: props.ingressClassName } : {}),
        ...(props.tlsSecretName ? { tls: [{ hosts: [props.host], secretName: props.tlsSecretName }] } : {}),
        rules: [
          {
            host: props.host,
            http: { paths: route.paths.map((p) => ({ ...p, backend: { service: { name: props.backend.serviceName, port: { number: props.backend.port } } } })) },
          },
        ],
      },
    });
  }
}

export interface BypassIngressOptions {
  /** The cluster the instance runs on: picks the controller adapter and IngressClass. */
  readonly cluster: Pick<ClusterModel, 'name' | 'ingress' | 'ingressClassName'>;
  /** Host of the service's protected Ingress in this instance. */
  readonly host: string;
  /** @default the service name and `ingress.port` */
  readonly backend?: BypassIngressProps['backend'];
  /** @default serviceNamespace(service, instance) */
  readonly namespace?: string;
  readonly tlsSecretName?: string;
  /** The catalog entry, e.g. `services.yaml#/spec/services/0`, for the source annotation. */
  readonly source?: string;
  /** The catalog name, for `app.kubernetes.io/part-of`. */
  readonly partOf?: string;
}

/**
 * The bypass Ingresses of one service in one environment instance: one when the service declares
 * `ingress.bypassPaths` and the environment allows bypass routes (ephemeral tiers, or
 * `allowBypass: true`), none otherwise. For the manifest generator's ingress extension point.
 */
export function bypassIngressesFor(scope: Construct, service: ServiceSpec, instance: EnvironmentInstance, opts: BypassIngressOptions): BypassIngress[] {
  const paths = declaredBypassPaths(service, instance);
  if (!service.ingress || paths.length === 0) return [];
  return [
    new BypassIngress(scope, `${service.name}-${instance.name}-bypass-ingress`, {
      namespace: opts.namespace ?? serviceNamespace(service, instance),
      host: opts.host,
      paths,
      backend: opts.backend ?? { serviceName: service.name, port: service.ingress.port },
      controller: opts.cluster.ingress,
      ingressClassName: opts.cluster.ingressClassName,
      tlsSecretName: opts.tlsSecretName,
      labels: {
        [Labels.name]: service.name,
        [Labels.instance]: instance.name,
        ...(opts.partOf ? { [Labels.partOf]: opts.partOf } : {}),
      },
      annotations: {
        ...(opts.source ? { [Annotations.source]: opts.source } : {}),
        [Annotations.cluster]: opts.cluster.name,
        [Annotations.environment]: instance.environment.name,
        [Annotations.instance]: instance.name,
      },
    }),
  ];
}
