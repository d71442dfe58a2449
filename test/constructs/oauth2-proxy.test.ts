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
  signIn: { githubOrg: 'example', githubTeams: ['platform'] },
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
    // The client id reaches oauth2-proxy in a config file ESO renders next to the fetched keys.
    expect(byKind('ExternalSecret').spec.target.template).toEqual({
      engineVersion: 'v2',
      mergePolicy: 'Merge',
      data: { 'oauth2-proxy.cfg': 'client_id = {{ index . "CLIENT_ID" | toJson }}\n' },
    });
  });

  it('runs hardened: non-root, read-only root filesystem, no capabilities, seccomp RuntimeDefault, resources, probes', () => {
    const { byKind } = synth();
    const pod = byKind('Deployment').spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.image).toMatch(/^quay\.io\/oauth2-proxy\/oauth2-proxy:v7\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
    expect(c.resources).toEqual({ limits: { cpu: '200m', memory: '128Mi' }, requests: { cpu: '10m', memory: '32Mi' } });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/ping', port: 4180 });
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 4180 });
  });

  it('reads client id, client secret and cookie secret from mounted files, never environment variables', () => {
    const { byKind } = synth();
    const pod = byKind('Deployment').spec.template.spec;
    const c = pod.containers[0];
    expect(c.args).toEqual(
      expect.arrayContaining([
        '--config=/etc/oauth2-proxy/secrets/oauth2-proxy.cfg',
        '--client-secret-file=/etc/oauth2-proxy/secrets/client-secret',
        '--cookie-secret-file=/etc/oauth2-proxy/secrets/cookie-secret',
      ]),
    );
    expect(pod.volumes).toEqual([
      {
        name: 'credentials',
        secret: {
          secretName: 'oauth2-proxy-credentials-ai',
          items: [
            { key: 'CLIENT_SECRET', path: 'client-secret' },
            { key: 'COOKIE_SECRET', path: 'cookie-secret' },
            { key: 'oauth2-proxy.cfg', path: 'oauth2-proxy.cfg' },
          ],
        },
      },
    ]);
    expect(c.env).toBeUndefined();
  });

  it('admits only who signIn names', () => {
    const args = (signIn: OAuth2ProxyProps['signIn']) => synth({ ...props, signIn }).byKind('Deployment').spec.template.spec.containers[0].args as string[];
    expect(args(props.signIn).filter((a) => a.startsWith('--github-'))).toEqual(['--github-org=example', '--github-team=platform']);
    expect(args({ githubRepository: 'example/app', githubUsers: ['zed', 'ann'] }).filter((a) => a.startsWith('--github-'))).toEqual([
      '--github-repo=example/app',
      '--github-user=ann,zed',
    ]);
    expect(() => synth({ ...props, signIn: {} })).toThrow(/'signIn' restricts nothing/);
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
