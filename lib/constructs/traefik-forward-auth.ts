import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * The subset of Traefik's `Middleware` (traefik.io/v1alpha1) we render: `forwardAuth`.
 * @see https://doc.traefik.io/traefik/middlewares/http/forwardauth/
 */
export interface ForwardAuthMiddlewareSpec {
  readonly forwardAuth: {
    readonly address: string;
    readonly trustForwardHeader: boolean;
    readonly authResponseHeaders: readonly string[];
  };
}

export interface TraefikForwardAuthProps {
  readonly name: string;
  readonly namespace: string;
  /** URL Traefik asks before every request (oauth2-proxy answers 202 or redirects to login). */
  readonly address: string;
  /** Headers copied from the auth response to the upstream request. */
  readonly authResponseHeaders: readonly string[];
  /** Labels and annotations. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/** A Traefik forwardAuth Middleware in the ingress's namespace. */
export class TraefikForwardAuth extends Construct {
  /** The value for `traefik.ingress.kubernetes.io/router.middlewares`. */
  public readonly reference: string;
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: TraefikForwardAuthProps) {
    super(scope, id);
    const spec: ForwardAuthMiddlewareSpec = {
      forwardAuth: { address: props.address, trustForwardHeader: true, authResponseHeaders: [...props.authResponseHeaders] },
    };
    this.resource = new ApiObject(this, 'resource', {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'Middleware',
      metadata: { ...(props.metadata ?? {}), name: props.name, namespace: props.namespace },
      spec,
    });
    this.reference = `${props.namespace}-${props.name}@kubernetescrd`;
  }
}
