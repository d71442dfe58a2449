import type { ApiObjectMetadata } from 'cdk8s';
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ExternalAuthTarget } from './external-auth';
import { VaultExternalSecret, VaultExternalSecretProps, VaultSecretRef } from './vault-external-secret';

/** The port oauth2-proxy listens on inside the pod and on its Service. */
export const OAUTH2_PROXY_PORT = 4180;
const SECRETS_DIR = '/etc/oauth2-proxy/secrets';

export interface OAuth2ProxyCredentials {
  /** Name of the Secret (and its ExternalSecret) holding the three credentials. */
  readonly secretName: string;
  /** Where each credential lives in Vault; `secretKey` names the key in the Secret. */
  readonly clientId: VaultSecretRef;
  readonly clientSecret: VaultSecretRef;
  readonly cookieSecret: VaultSecretRef;
}

export interface OAuth2ProxyProps {
  /** Name of the Deployment, Service and Ingress, e.g. `oauth2-proxy-ai`. */
  readonly name: string;
  readonly namespace: string;
  /** The Vault ClusterSecretStore the credentials come from. */
  readonly storeName: string;
  /** References to the OAuth client's credentials in Vault. Never values. */
  readonly credentials: OAuth2ProxyCredentials;
  /** Public hosts of the sign-in endpoint, e.g. `oauth2.ai.ameide.dev`; the first is the callback host. */
  readonly hosts: readonly string[];
  /** Cookie domains (each also a whitelist domain for `rd` redirects), e.g. `.ai.ameide.dev` covers every slot host below it. */
  readonly cookieDomains: readonly string[];
  /** Distinct per instance so two clients on one cluster never read each other's session. */
  readonly cookieName: string;
  /**
   * OAuth provider.
   * @default "github"
   * @see https://oauth2-proxy.github.io/oauth2-proxy/configuration/providers/
   */
  readonly provider?: string;
  /** @default "quay.io/oauth2-proxy/oauth2-proxy:v7.12.0" */
  readonly image?: string;
  /** @default 2 */
  readonly replicas?: number;
  /** @default - the cluster's default IngressClass */
  readonly ingressClassName?: string;
  /** ExternalSecret policy. @default - the VaultExternalSecret defaults */
  readonly externalSecret?: Pick<VaultExternalSecretProps, 'refreshInterval' | 'creationPolicy' | 'deletionPolicy'>;
  /** Labels and annotations for every object. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/** Where an ingress sends its auth checks and its sign-in redirects for an oauth2-proxy instance. */
export function oauth2ProxyAuthTarget(name: string, namespace: string, signInHost: string): ExternalAuthTarget {
  return { serviceUrl: `http://${name}.${namespace}.svc.cluster.local:${OAUTH2_PROXY_PORT}`, signInHost };
}

/**
 * One oauth2-proxy for one OAuth client: an ExternalSecret for its credentials, a hardened
 * Deployment (non-root, read-only root filesystem, resources, `/ping` and `/ready` probes), a
 * Service and an Ingress on the sign-in host. It runs with `--upstream=static://202` so it serves
 * both ingress-nginx `auth-url` checks and Traefik forwardAuth.
 *
 * Credentials: the client secret is read from a mounted file (`--client-secret-file`); oauth2-proxy
 * has no file option for the client id (not a secret) or, in the versions we target, the cookie
 * secret, so those two come from `secretKeyRef` environment variables, never from literals.
 */
export class OAuth2Proxy extends Construct {
  public readonly provider: string;
  public readonly image: string;
  public readonly replicas: number;
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  public readonly ingress: kplus.Ingress;
  public readonly externalSecret: VaultExternalSecret;
  /** What protected ingresses point their external-auth at. */
  public readonly authTarget: ExternalAuthTarget;

  constructor(scope: Construct, id: string, props: OAuth2ProxyProps) {
    super(scope, id);
    if (props.hosts.length === 0) throw new Error(`OAuth2Proxy "${props.name}": 'hosts' is empty; give at least the sign-in host`);
    if (props.cookieDomains.length === 0) throw new Error(`OAuth2Proxy "${props.name}": 'cookieDomains' is empty`);
    this.provider = props.provider ?? 'github';
    this.image = props.image ?? 'quay.io/oauth2-proxy/oauth2-proxy:v7.12.0';
    this.replicas = props.replicas ?? 2;
    const meta = props.metadata ?? {};
    const { credentials: c } = props;

    this.externalSecret = new VaultExternalSecret(this, 'credentials', {
      ...(props.externalSecret ?? {}),
      name: c.secretName,
      namespace: props.namespace,
      storeName: props.storeName,
      data: [c.clientId, c.clientSecret, c.cookieSecret],
      metadata: meta,
    });
    const secret = kplus.Secret.fromSecretName(this, 'secret', c.secretName);
    const secretFiles = kplus.Volume.fromSecret(this, 'secret-files', secret, {
      name: 'credentials',
      items: { [c.clientSecret.secretKey]: { path: 'client-secret' } },
    });

    const args = [
      `--provider=${this.provider}`,
      `--http-address=0.0.0.0:${OAUTH2_PROXY_PORT}`,
      '--upstream=static://202',
      '--reverse-proxy=true',
      '--set-xauthrequest=true',
      '--email-domain=*',
      '--skip-provider-button=true',
      '--silence-ping-logging=true',
      `--redirect-url=https://${props.hosts[0]}/oauth2/callback`,
      `--cookie-name=${props.cookieName}`,
      '--cookie-secure=true',
      ...props.cookieDomains.map((d) => `--cookie-domain=${d}`),
      ...props.cookieDomains.map((d) => `--whitelist-domain=${d}`),
      `--client-secret-file=${SECRETS_DIR}/client-secret`,
    ];

    // Select pods by a readable label instead of cdk8s-plus's construct-path label.
    const podLabels = { 'app.kubernetes.io/name': 'oauth2-proxy', 'app.kubernetes.io/instance': props.name };
    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { ...meta, name: props.name, namespace: props.namespace },
      select: false,
      podMetadata: { labels: podLabels },
      replicas: this.replicas,
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: 65532, group: 65532 },
      containers: [
        {
          name: 'oauth2-proxy',
          image: this.image,
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          args,
          ports: [{ number: OAUTH2_PROXY_PORT, name: 'http' }],
          envVariables: {
            OAUTH2_PROXY_CLIENT_ID: kplus.EnvValue.fromSecretValue({ secret, key: c.clientId.secretKey }),
            OAUTH2_PROXY_COOKIE_SECRET: kplus.EnvValue.fromSecretValue({ secret, key: c.cookieSecret.secretKey }),
          },
          securityContext: {
            ensureNonRoot: true,
            user: 65532,
            group: 65532,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
          },
          resources: {
            cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(200) },
            memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
          },
          liveness: kplus.Probe.fromHttpGet('/ping', { port: OAUTH2_PROXY_PORT }),
          readiness: kplus.Probe.fromHttpGet('/ready', { port: OAUTH2_PROXY_PORT }),
          volumeMounts: [{ path: SECRETS_DIR, volume: secretFiles, readOnly: true }],
        },
      ],
    });

    this.deployment.select(kplus.LabelSelector.of({ labels: podLabels }));

    this.service = new kplus.Service(this, 'service', {
      metadata: { ...meta, name: props.name, namespace: props.namespace },
      ports: [{ name: 'http', port: OAUTH2_PROXY_PORT, targetPort: OAUTH2_PROXY_PORT }],
    });
    for (const [k, v] of Object.entries(podLabels)) this.service.selectLabel(k, v);

    this.ingress = new kplus.Ingress(this, 'ingress', {
      metadata: { ...meta, name: props.name, namespace: props.namespace },
      ...(props.ingressClassName ? { className: props.ingressClassName } : {}),
      rules: props.hosts.map((host) => ({ host, path: '/oauth2', backend: kplus.IngressBackend.fromService(this.service, { port: OAUTH2_PROXY_PORT }) })),
    });

    this.authTarget = oauth2ProxyAuthTarget(props.name, props.namespace, props.hosts[0]!);
  }
}
