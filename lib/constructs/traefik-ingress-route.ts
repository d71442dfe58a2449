import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import type { IngressPathType } from './service-ingress';

/**
 * Traefik's per-Ingress switch to regex paths. An Ingress cannot carry what Traefik would need for
 * an exact regex match: the API server requires every Ingress path to start with `/`, and Traefik's
 * `PathRegexp` is unanchored, so `/api/v1/runs/[^/]+/bypass$` would also match
 * `/anything/api/v1/runs/x/bypass`. Routes that need regex paths on Traefik are rendered as an
 * IngressRoute instead, whose `match` carries the anchored expression.
 */
export const TRAEFIK_PATH_MATCHER = 'traefik.ingress.kubernetes.io/router.pathmatcher';

/** Whether a route's annotations ask Traefik for regex paths (rendered as an IngressRoute, not an Ingress). */
export function needsTraefikIngressRoute(annotations: Readonly<Record<string, string>> | undefined): boolean {
  return annotations?.[TRAEFIK_PATH_MATCHER] === 'PathRegexp';
}

export interface TraefikRoutePath {
  /** `Exact` and `Prefix` as in an Ingress; `ImplementationSpecific` is a Go regular expression, anchored with `^` and `$`. */
  readonly path: string;
  readonly pathType: IngressPathType;
}

/**
 * The router rule: `Host(...) && (Path(...) || PathRegexp(...))`. Values go in backticks (Go raw
 * strings), so a path may not contain one.
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/http/routing/rules-and-priority/
 */
export function traefikRule(host: string, paths: readonly TraefikRoutePath[]): string {
  const matchers = paths.map((p) => {
    if (p.path.includes('`')) throw new Error(`Traefik rule: path "${p.path}" contains a backtick`);
    if (p.pathType === 'ImplementationSpecific' && !(p.path.startsWith('^') && p.path.endsWith('$'))) {
      throw new Error(`Traefik rule: regex path "${p.path}" must be anchored with ^ and $ (PathRegexp is unanchored)`);
    }
    return p.pathType === 'Exact' ? `Path(\`${p.path}\`)` : p.pathType === 'Prefix' ? `PathPrefix(\`${p.path}\`)` : `PathRegexp(\`${p.path}\`)`;
  });
  return `Host(\`${host}\`) && ${matchers.length === 1 ? matchers[0] : `(${matchers.join(' || ')})`}`;
}

export interface TraefikIngressRouteProps {
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  readonly paths: readonly TraefikRoutePath[];
  /** The Service and port in the same namespace. */
  readonly backend: { readonly serviceName: string; readonly port: number };
  /** TLS Secret for the host. @default - no TLS section */
  readonly tlsSecretName?: string;
  /** Labels and annotations. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * A Traefik `IngressRoute` (traefik.io/v1alpha1) with one rule for a host and exact paths. Its rule
 * is longer than the `Host && PathPrefix(/)` rule of the service's protected Ingress, so Traefik's
 * default priority (rule length) sends these paths here first.
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
 */
export class TraefikIngressRoute extends Construct {
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: TraefikIngressRouteProps) {
    super(scope, id);
    if (props.paths.length === 0) throw new Error(`TraefikIngressRoute "${props.name}": 'paths' is empty`);
    this.resource = new ApiObject(this, 'resource', {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { ...(props.metadata ?? {}), name: props.name, namespace: props.namespace },
      spec: {
        routes: [{ kind: 'Rule', match: traefikRule(props.host, props.paths), services: [{ name: props.backend.serviceName, port: props.backend.port }] }],
        ...(props.tlsSecretName ? { tls: { secretName: props.tlsSecretName } } : {}),
      },
    });
  }
}
