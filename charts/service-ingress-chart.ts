import type { Construct } from 'constructs';
import { ExternalAuthAdapter, ExternalAuthTarget } from '../lib/constructs/external-auth';
import { Annotations } from '../lib/constructs/metadata';
import { ServiceIngress } from '../lib/constructs/service-ingress';
import type { IngressRoute } from './chart-inputs';
import type { IngressPlan } from './chart-inputs';
import { SecretopsChart, SecretopsChartProps } from './secretops-chart';

export interface ServiceIngressChartProps extends SecretopsChartProps {
  readonly serviceName: string;
  readonly namespace: string;
  readonly ingress: IngressPlan;
  readonly routes: readonly IngressRoute[];
  /** The cluster's ingress controller adapter. */
  readonly adapter: ExternalAuthAdapter;
  /** Where `protected` routes authenticate; required when any route is protected. */
  readonly authTarget?: ExternalAuthTarget;
  /** The OAuth client protected routes log in with, annotated on them for reviewers. */
  readonly oauthClient?: string;
}

/** The Ingress(es) of one service instance, protected ones behind oauth2-proxy through the cluster's adapter. */
export class ServiceIngressChart extends SecretopsChart {
  constructor(scope: Construct, props: ServiceIngressChartProps) {
    super(scope, props);
    const names = new Set<string>();
    for (const route of props.routes) {
      if (names.has(route.name)) throw new Error(`service "${props.serviceName}": two ingress routes are named "${route.name}"`);
      names.add(route.name);
      let auth: Record<string, string> = {};
      if (route.route === 'protected') {
        if (!props.authTarget) throw new Error(`service "${props.serviceName}": route "${route.name}" is protected but the environment has no oauth2-proxy instance`);
        auth = props.adapter.protect(this, { ingressName: route.name, namespace: props.namespace, target: props.authTarget });
        if (props.oauthClient) auth[Annotations.oauthClient] = props.oauthClient;
      }
      new ServiceIngress(this, route.name, {
        name: route.name,
        namespace: props.namespace,
        host: props.ingress.host,
        serviceName: props.serviceName,
        servicePort: props.ingress.port,
        paths: route.paths,
        ...(props.ingress.className ? { className: props.ingress.className } : {}),
        metadata: { annotations: { ...(route.annotations ?? {}), ...auth, [Annotations.route]: route.route } },
      });
    }
  }
}
