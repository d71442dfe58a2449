import type { Construct } from 'constructs';
import { OAuth2Proxy } from '../lib/constructs/oauth2-proxy';
import { Annotations, STAGE_WAVES } from '../lib/constructs/metadata';
import type { SingletonPlan } from './chart-inputs';
import { SecretopsChart, SecretopsChartProps } from './secretops-chart';

export interface OAuth2ProxyChartProps extends SecretopsChartProps {
  /** The oauth2-proxy singleton instance, with its OAuth client plan. */
  readonly singleton: SingletonPlan;
  readonly storeName: string;
  readonly ingressClassName?: string;
  readonly sourceName: string;
}

/** One oauth2-proxy per cluster and OAuth client. */
export class OAuth2ProxyChart extends SecretopsChart {
  public readonly proxy: OAuth2Proxy;

  constructor(scope: Construct, props: OAuth2ProxyChartProps) {
    super(scope, props);
    const s = props.singleton;
    const oauth = s.oauth;
    const secret = s.secrets[0];
    if (!oauth || !secret) throw new Error(`singleton "${s.name}" has no OAuth client plan`);
    const ref = (key: string) => {
      const k = secret.vaultKeys.find((v) => v.secretKey === key);
      if (!k) throw new Error(`singleton "${s.name}": key "${key}" does not resolve in Vault`);
      return k;
    };
    this.proxy = new OAuth2Proxy(this, 'oauth2-proxy', {
      name: s.name,
      namespace: s.namespace,
      storeName: props.storeName,
      credentials: {
        secretName: secret.targetName,
        clientId: ref(oauth.clientIdKey),
        clientSecret: ref(oauth.clientSecretKey),
        cookieSecret: ref(oauth.cookieSecretKey),
      },
      hosts: oauth.hosts,
      cookieDomains: oauth.domains.map((d) => `.${d}`),
      cookieName: oauth.cookieName,
      ...(props.ingressClassName ? { ingressClassName: props.ingressClassName } : {}),
      externalSecret: secret.policy,
      metadata: { annotations: { [Annotations.oauthClient]: oauth.clientSourceKey } },
    });
    // The credentials' ExternalSecret traces back to the secret entry, and is delivered before the Deployment.
    const es = this.proxy.externalSecret.resource.metadata;
    es.addAnnotation(Annotations.source, `${props.sourceName}#${secret.pointer}`);
    es.addAnnotation(Annotations.level, secret.spec.level);
    es.addAnnotation(Annotations.syncWave, String(STAGE_WAVES.secrets));
  }
}
