import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { OAuth2Proxy, OAuth2ProxyProps } from '../../lib/constructs/oauth2-proxy';

const props: OAuth2ProxyProps = {
  name: 'oauth2-proxy-ai',
  namespace: 'platform',
  storeName: 'vault',
  credentials: {
    secretName: 'oauth2-proxy-credentials-ai',
    clientId: { secretKey: 'CLIENT_ID', remoteKey: 'shared/oauth2-proxy', property: 'CLIENT_ID_AI' },
    clientSecret: { secretKey: 'CLIENT_SECRET', remoteKey: 'shared/oauth2-proxy', property: 'CLIENT_SECRET_AI' },
    cookieSecret: { secretKey: 'COOKIE_SECRET', remoteKey: 'shared/oauth2-proxy', property: 'COOKIE_SECRET_AI' },
  },
  hosts: ['oauth2.ai.example.dev'],
  cookieDomains: ['.ai.example.dev'],
  cookieName: '_oauth2_proxy_ai',
  ingressClassName: 'nginx',
};

const synth = (p: OAuth2ProxyProps = props) => {
  const chart = Testing.chart();
  const proxy = new OAuth2Proxy(chart, 'proxy', p);
  const objects = Testing.synth(chart);
  return { proxy, objects, byKind: (k: string) => objects.find((o) => o.kind === k) };
};

describe('OAuth2Proxy', () => {
  it('reads its credentials through one ExternalSecret, by reference', () => {
    const { byKind } = synth();
    expect(byKind('ExternalSecret').spec.data).toEqual([
      { secretKey: 'CLIENT_ID', remoteRef: { key: 'shared/oauth2-proxy', property: 'CLIENT_ID_AI' } },
      { secretKey: 'CLIENT_SECRET', remoteRef: { key: 'shared/oauth2-proxy', property: 'CLIENT_SECRET_AI' } },
      { secretKey: 'COOKIE_SECRET', remoteRef: { key: 'shared/oauth2-proxy', property: 'COOKIE_SECRET_AI' } },
    ]);
    expect(byKind('ExternalSecret').spec.target.name).toBe('oauth2-proxy-credentials-ai');
  });

  it('runs hardened: non-root, read-only root filesystem, resources, /ping and /ready probes', () => {
    const { byKind } = synth();
    const pod = byKind('Deployment').spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false });
    expect(c.resources).toEqual({ limits: { cpu: '200m', memory: '128Mi' }, requests: { cpu: '10m', memory: '32Mi' } });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/ping', port: 4180 });
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 4180 });
  });

  it('consumes the client secret as a file and the rest through secretKeyRef, never as literals', () => {
    const { byKind } = synth();
    const pod = byKind('Deployment').spec.template.spec;
    const c = pod.containers[0];
    expect(c.args).toContain('--client-secret-file=/etc/oauth2-proxy/secrets/client-secret');
    expect(pod.volumes).toEqual([{ name: 'credentials', secret: { secretName: 'oauth2-proxy-credentials-ai', items: [{ key: 'CLIENT_SECRET', path: 'client-secret' }] } }]);
    expect(c.env).toEqual([
      { name: 'OAUTH2_PROXY_CLIENT_ID', valueFrom: { secretKeyRef: { name: 'oauth2-proxy-credentials-ai', key: 'CLIENT_ID' } } },
      { name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: 'oauth2-proxy-credentials-ai', key: 'COOKIE_SECRET' } } },
    ]);
  });

  it('sets its own cookie and covers every domain it serves', () => {
    const { byKind } = synth({ ...props, cookieDomains: ['.ai.example.dev', '.dev.example.dev'] });
    const args: string[] = byKind('Deployment').spec.template.spec.containers[0].args;
    expect(args.filter((a) => a.startsWith('--cookie-domain=') || a.startsWith('--whitelist-domain='))).toEqual([
      '--cookie-domain=.ai.example.dev',
      '--cookie-domain=.dev.example.dev',
      '--whitelist-domain=.ai.example.dev',
      '--whitelist-domain=.dev.example.dev',
    ]);
    expect(args).toContain('--cookie-name=_oauth2_proxy_ai');
    expect(args).toContain('--redirect-url=https://oauth2.ai.example.dev/oauth2/callback');
  });

  it('exposes a Service selecting its pods by readable labels and an Ingress on the sign-in host', () => {
    const { byKind, proxy } = synth();
    expect(byKind('Service').spec.selector).toEqual({ 'app.kubernetes.io/name': 'oauth2-proxy', 'app.kubernetes.io/instance': 'oauth2-proxy-ai' });
    expect(byKind('Deployment').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'oauth2-proxy', 'app.kubernetes.io/instance': 'oauth2-proxy-ai' });
    expect(byKind('Ingress').spec).toEqual({
      ingressClassName: 'nginx',
      rules: [{ host: 'oauth2.ai.example.dev', http: { paths: [{ path: '/oauth2', pathType: 'Prefix', backend: { service: { name: 'oauth2-proxy-ai', port: { number: 4180 } } } }] } }],
    });
    expect(proxy.authTarget).toEqual({ serviceUrl: 'http://oauth2-proxy-ai.platform.svc.cluster.local:4180', signInHost: 'oauth2.ai.example.dev' });
  });

  it('refuses an instance without a sign-in host', () => {
    expect(() => synth({ ...props, hosts: [] })).toThrow(/'hosts' is empty/);
  });
});
