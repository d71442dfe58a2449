import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { externalAuthAdapter } from '../../lib/constructs/external-auth';

const target = { serviceUrl: 'http://oauth2-proxy-ai.platform.svc.cluster.local:4180', signInHost: 'oauth2.ai.example.dev' };

describe('external-auth adapters', () => {
  it('ingress-nginx: auth-url, auth-signin with rd, auth-response-headers, no snippets, no companion objects', () => {
    const chart = Testing.chart();
    const annotations = externalAuthAdapter('nginx').protect(chart, { ingressName: 'agents', namespace: 'ai-slot-1', target });
    expect(annotations).toEqual({
      'nginx.ingress.kubernetes.io/auth-url': 'http://oauth2-proxy-ai.platform.svc.cluster.local:4180/oauth2/auth',
      'nginx.ingress.kubernetes.io/auth-signin': 'https://oauth2.ai.example.dev/oauth2/start?rd=$scheme://$host$escaped_request_uri',
      'nginx.ingress.kubernetes.io/auth-response-headers': 'X-Auth-Request-User,X-Auth-Request-Email',
    });
    expect(Testing.synth(chart)).toEqual([]);
  });

  it('Traefik: a forwardAuth Middleware in the ingress namespace and the router annotation that uses it', () => {
    const chart = Testing.chart();
    const annotations = externalAuthAdapter('traefik').protect(chart, { ingressName: 'agents', namespace: 'ai-slot-1', target });
    expect(annotations).toEqual({ 'traefik.ingress.kubernetes.io/router.middlewares': 'ai-slot-1-agents-oauth2-proxy@kubernetescrd' });
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'Middleware',
        metadata: { name: 'agents-oauth2-proxy', namespace: 'ai-slot-1' },
        spec: { forwardAuth: { address: 'http://oauth2-proxy-ai.platform.svc.cluster.local:4180/', trustForwardHeader: true, authResponseHeaders: ['X-Auth-Request-User', 'X-Auth-Request-Email'] } },
      },
    ]);
  });
});
