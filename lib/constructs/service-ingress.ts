import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeIngress } from './k8s';

export type IngressPathType = 'Prefix' | 'Exact' | 'ImplementationSpecific';

export interface ServiceIngressProps {
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  /** The Service the ingress routes to, in the same namespace. */
  readonly serviceName: string;
  readonly servicePort: number;
  /**
   * Paths routed to the service.
   * @default [{ path: "/", pathType: "Prefix" }]
   */
  readonly paths?: readonly { readonly path: string; readonly pathType: IngressPathType }[];
  /** @default - the cluster's default IngressClass */
  readonly className?: string;
  /** Labels and annotations (external-auth annotations come from an ExternalAuthAdapter). @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/** A networking.k8s.io/v1 Ingress for one service host. */
export class ServiceIngress extends Construct {
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: ServiceIngressProps) {
    super(scope, id);
    const paths = props.paths ?? [{ path: '/', pathType: 'Prefix' }];
    if (paths.length === 0) throw new Error(`Ingress "${props.name}": 'paths' is empty`);
    // Typed once through the generated bindings, then a plain ApiObject (no second conversion per toJson()).
    this.resource = new ApiObject(this, 'resource', KubeIngress.manifest({
      metadata: { ...(props.metadata ?? {}), name: props.name, namespace: props.namespace },
      spec: {
        ...(props.className ? { ingressClassName: props.className } : {}),
        rules: [
          {
            host: props.host,
            http: {
              paths: paths.map((p) => ({
                path: p.path,
                pathType: p.pathType,
                backend: { service: { name: props.serviceName, port: { number: props.servicePort } } },
              })),
            },
          },
        ],
      },
    }));
  }
}
