import { Construct } from 'constructs';
import { TraefikForwardAuth } from './traefik-forward-auth';

/** Headers oauth2-proxy sets on a successful auth check (`--set-xauthrequest`) and ingresses pass on. */
export const AUTH_RESPONSE_HEADERS = ['X-Auth-Request-User', 'X-Auth-Request-Email'] as const;

/** What an ingress needs to know about the oauth2-proxy instance that protects it. */
export interface ExternalAuthTarget {
  /** In-cluster base URL of the oauth2-proxy Service, e.g. `http://oauth2-proxy-ai.platform.svc.cluster.local:4180`. */
  readonly serviceUrl: string;
  /** Public host users sign in on, e.g. `oauth2.ai.ameide.dev`. */
  readonly signInHost: string;
}

export interface ProtectRequest {
  /** The ingress being protected: companion objects are named after it. */
  readonly ingressName: string;
  readonly namespace: string;
  readonly target: ExternalAuthTarget;
  /** Labels and annotations for companion objects. */
  readonly metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

/**
 * Puts an Ingress behind oauth2-proxy for one ingress controller. ingress-nginx is retired upstream,
 * so the controller-specific part is this small interface: annotations for the Ingress, plus any
 * companion objects the controller needs (added to `scope`).
 */
export interface ExternalAuthAdapter {
  readonly controller: 'nginx' | 'traefik';
  protect(scope: Construct, req: ProtectRequest): Record<string, string>;
}

/**
 * ingress-nginx external auth: `auth-url` checks every request against oauth2-proxy inside the
 * cluster; `auth-signin` sends the browser to the login host with `rd` set to the original URL.
 * Deliberately no `*-snippet` annotations (disabled by default, and a known injection vector).
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#external-authentication
 */
export const nginxExternalAuth: ExternalAuthAdapter = {
  controller: 'nginx',
  protect(_scope, req) {
    return {
      'nginx.ingress.kubernetes.io/auth-url': `${req.target.serviceUrl}/oauth2/auth`,
      'nginx.ingress.kubernetes.io/auth-signin': `https://${req.target.signInHost}/oauth2/start?rd=$scheme://$host$escaped_request_uri`,
      'nginx.ingress.kubernetes.io/auth-response-headers': AUTH_RESPONSE_HEADERS.join(','),
    };
  },
};

/**
 * Traefik forwardAuth: a Middleware in the ingress's namespace asks oauth2-proxy (run with
 * `--upstream=static://202 --reverse-proxy`), which answers 202 for a session and redirects to the
 * login otherwise, with the return URL taken from the forwarded headers.
 * @see https://oauth2-proxy.github.io/oauth2-proxy/configuration/integration#forwardauth-with-static-upstreams-configuration
 */
export const traefikForwardAuth: ExternalAuthAdapter = {
  controller: 'traefik',
  protect(scope, req) {
    const middleware = new TraefikForwardAuth(scope, `${req.ingressName}-forward-auth`, {
      name: `${req.ingressName}-oauth2-proxy`,
      namespace: req.namespace,
      address: `${req.target.serviceUrl}/`,
      authResponseHeaders: AUTH_RESPONSE_HEADERS,
      ...(req.metadata ? { metadata: req.metadata } : {}),
    });
    return { 'traefik.ingress.kubernetes.io/router.middlewares': middleware.reference };
  },
};

export function externalAuthAdapter(controller: 'nginx' | 'traefik'): ExternalAuthAdapter {
  return controller === 'traefik' ? traefikForwardAuth : nginxExternalAuth;
}
