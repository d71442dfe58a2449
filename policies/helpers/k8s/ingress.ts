import { asArray, dig, isJson, KubeObject, ptr, str } from './objects';

/**
 * Ingress routes as host + path pairs, for networking.k8s.io Ingresses and Traefik IngressRoutes,
 * with whether external authentication (oauth2-proxy) guards them.
 */
export interface IngressRoute {
  readonly host?: string;
  /** Undefined when the rule routes the whole host. */
  readonly path?: string;
  /** Pointer of the path (or of the rule/match when there is no path). */
  readonly at: string;
  /** True when an external-auth annotation or middleware guards this route. */
  readonly externalAuth: boolean;
}

/** ingress-nginx's external-auth annotation. */
export const NGINX_AUTH_URL = 'nginx.ingress.kubernetes.io/auth-url';
/** Traefik's middlewares annotation on a plain Ingress (a forwardAuth Middleware goes here). */
export const TRAEFIK_MIDDLEWARES = 'traefik.ingress.kubernetes.io/router.middlewares';

export function isIngress(o: KubeObject): boolean {
  return (
    (o.kind === 'Ingress' && (o.apiVersion === '' || o.apiVersion.startsWith('networking.k8s.io/') || o.apiVersion.startsWith('extensions/'))) ||
    (o.kind === 'IngressRoute' && /^traefik\.(io|containo\.us)\//.test(o.apiVersion))
  );
}

export function ingressRoutes(o: KubeObject): IngressRoute[] {
  if (o.kind === 'IngressRoute') return traefikRoutes(o);
  const auth = Boolean(str(o.annotations[NGINX_AUTH_URL]) || str(o.annotations[TRAEFIK_MIDDLEWARES]));
  const out: IngressRoute[] = [];
  asArray(dig(o.value, 'spec', 'rules')).forEach((r, i) => {
    const host = str(dig(r, 'host'));
    const paths = asArray(dig(r, 'http', 'paths'));
    if (paths.length === 0) out.push({ ...(host ? { host } : {}), at: ptr(o.at, 'spec', 'rules', i), externalAuth: auth });
    paths.forEach((p, j) => {
      const path = str(dig(p, 'path')) ?? '/';
      out.push({ ...(host ? { host } : {}), path, at: ptr(o.at, 'spec', 'rules', i, 'http', 'paths', j, 'path'), externalAuth: auth });
    });
  });
  return out;
}

/** ``Host(`a`) && PathPrefix(`/x`)``: every host x path combination of a match expression. */
function traefikRoutes(o: KubeObject): IngressRoute[] {
  const out: IngressRoute[] = [];
  asArray(dig(o.value, 'spec', 'routes')).forEach((r, i) => {
    if (!isJson(r)) return;
    const match = str(r.match) ?? '';
    const auth = asArray(r.middlewares).length > 0;
    const args = (fn: RegExp) => [...match.matchAll(fn)].flatMap((m) => [...m[1]!.matchAll(/`([^`]*)`|"([^"]*)"/g)].map((a) => a[1] ?? a[2] ?? ''));
    const hosts = args(/\bHost\(([^)]*)\)/g);
    const paths = args(/\b(?:Path|PathPrefix|PathRegexp)\(([^)]*)\)/g);
    const at = ptr(o.at, 'spec', 'routes', i, 'match');
    for (const host of hosts.length > 0 ? hosts : [undefined]) {
      if (paths.length === 0) out.push({ ...(host ? { host } : {}), at, externalAuth: auth });
      for (const path of paths) out.push({ ...(host ? { host } : {}), path, at, externalAuth: auth });
    }
  });
  return out;
}

/**
 * A path pattern in one comparable form: regex and glob wildcards within a segment become `*`,
 * anchors, regex escapes and a trailing slash go. `/api/v1/runs/[^/]+/bypass$` (what the
 * bypass route synth renders for ingress-nginx) equals `/api/v1/runs/*\/bypass`.
 */
export function normalisePathPattern(path: string): string {
  let p = path.trim().replace(/^\^/, '').replace(/\$$/, '');
  p = p.replace(/\(\/\|\$\)\(\.\*\)$/, '');
  p = p.replace(/\((\?(<\w+>|:))?|\)/g, '');
  p = p.replace(/\[\^\/\][+*]|\.[+*]|\{[^}/]*\}/g, '*').replace(/\*+/g, '*');
  // A regex escapes literal characters (`\.`): compare the characters.
  p = p.replace(/\\(.)/g, '$1');
  if (p.length > 1) p = p.replace(/\/+$/, '');
  return p || '/';
}
