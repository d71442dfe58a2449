import type { ApiObjectMetadata } from 'cdk8s';
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ExternalAuthTarget } from './external-auth';
import { VaultExternalSecret, VaultExternalSecretProps, VaultSecretRef } from './vault-external-secret';
import type { SignInSpec } from '../catalog/types';
import { signInArgs } from '../catalog/sign-in';
import { DEFAULT_IMAGES } from '../catalog/images';

/** The port oauth2-proxy listens on inside the pod and on its Service. */
export const OAUTH2_PROXY_PORT = 4180;
const SECRETS_DIR = '/etc/oauth2-proxy/secrets';
/**
 * The config file ESO renders into the credentials Secret: oauth2-proxy has files for the client
 * secret and the cookie secret but none for the client id, so the id travels in `--config`.
 * @see https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview/ (config file: flags with underscores)
 */
export const OAUTH2_PROXY_CONFIG_KEY = 'oauth2-proxy.cfg';

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
   * Who may sign in: rendered as `--github-org`, `--github-team`, `--github-repo`, `--github-user`.
   * Required: without one, the GitHub provider admits every GitHub account.
   */
  readonly signIn: SignInSpec;
  /**
   * OAuth provider.
   * @default "github"
   * @see https://oauth2-proxy.github.io/oauth2-proxy/configuration/providers/
   */
  readonly provider?: string;
  /** @default - DEFAULT_IMAGES.oauth2Proxy (lib/catalog/images.ts), the current 7.x release pinned by digest */
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
 * Deployment (non-root, read-only root filesystem, every capability dropped, seccomp
 * RuntimeDefault, resources, `/ping` and `/ready` probes), a Service and an Ingress on the sign-in
 * host. It runs with `--upstream=static://202` so it serves both ingress-nginx `auth-url` checks and
 * Traefik forwardAuth, and admits only who `signIn` names.
 *
 * Credentials come from files of the mounted Secret, never environment variables (which a rotation
 * by ESO never reaches and which `kubectl describe`-adjacent tooling tends to dump):
 * `--client-secret-file`, `--cookie-secret-file`, and `--config` for the client id, which ESO
 * renders into the Secret as `oauth2-proxy.cfg` with a template (`client_id = "..."`).
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
    this.image = props.image ?? DEFAULT_IMAGES.oauth2Proxy;
    const restriction = signInArgs(props.signIn);
    if (restriction.length === 0) throw new Error(`OAuth2Proxy "${props.name}": 'signIn' restricts nothing; name a githubOrg, githubTeams, githubRepository or githubUsers`);
    this.replicas = props.replicas ?? 2;
    const meta = props.metadata ?? {};
    const { credentials: c } = props;

    this.externalSecret = new VaultExternalSecret(this, 'credentials', {
      ...(props.externalSecret ?? {}),
      name: c.secretName,
      namespace: props.namespace,
      storeName: props.storeName,
      data: [c.clientId, c.clientSecret, c.cookieSecret],
      // toJson quotes the id as a TOML basic string (a JSON string is one).
      templateData: { [OAUTH2_PROXY_CONFIG_KEY]: `client_id = {{ index . ${JSON.stringify(c.clientId.secretKey)} | toJson }}\n` },
      metadata: meta,
    });
    const secret = kplus.Secret.fromSecretName(this, 'secret', c.secretName);
    const secretFiles = kplus.Volume.fromSecret(this, 'secret-files', secret, {
      name: 'credentials',
      items: {
        [c.clientSecret.secretKey]: { path: 'client-secret' },
        [c.cookieSecret.secretKey]: { path: 'cookie-secret' },
        [OAUTH2_PROXY_CONFIG_KEY]: { path: OAUTH2_PROXY_CONFIG_KEY },
      },
    });

    const args = [
      `--provider=${this.provider}`,
      `--config=${SECRETS_DIR}/${OAUTH2_PROXY_CONFIG_KEY}`,
      `--http-address=0.0.0.0:${OAUTH2_PROXY_PORT}`,
      '--upstream=static://202',
      '--reverse-proxy=true',
      '--set-xauthrequest=true',
      // Every email domain, because the GitHub restriction below decides who signs in.
      '--email-domain=*',
      ...restriction,
      '--skip-provider-button=true',
      '--silence-ping-logging=true',
      `--redirect-url=https://${props.hosts[0]}/oauth2/callback`,
      `--cookie-name=${props.cookieName}`,
      '--cookie-secure=true',
      ...props.cookieDomains.map((d) => `--cookie-domain=${d}`),
      ...props.cookieDomains.map((d) => `--whitelist-domain=${d}`),
      `--client-secret-file=${SECRETS_DIR}/client-secret`,
      `--cookie-secret-file=${SECRETS_DIR}/cookie-secret`,
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
          securityContext: {
            ensureNonRoot: true,
            user: 65532,
            group: 65532,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: [kplus.Capability.ALL] },
            seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
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
