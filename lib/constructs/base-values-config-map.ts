import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeConfigMap } from './k8s';

export interface BaseValuesConfigMapProps {
  readonly name: string;
  readonly namespace: string;
  /** Non-secret base values (catalog `default`s), in the order they are listed. */
  readonly values: readonly { readonly key: string; readonly value: string }[];
  /** Labels and annotations. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * The keys of a catalog secret that resolve to a non-secret base value. They go to a ConfigMap,
 * never into a Secret: a value in Git must not look like a secret, and a Secret must not hold
 * something that is in Git.
 */
export class BaseValuesConfigMap extends Construct {
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: BaseValuesConfigMapProps) {
    super(scope, id);
    if (props.values.length === 0) throw new Error(`ConfigMap "${props.name}": 'values' is empty; do not render it`);
    const data: Record<string, string> = {};
    for (const v of props.values) data[v.key] = v.value;
    // Typed once through the generated bindings, then a plain ApiObject (no second conversion per toJson()).
    this.resource = new ApiObject(this, 'resource', KubeConfigMap.manifest({ metadata: { ...(props.metadata ?? {}), name: props.name, namespace: props.namespace }, data }));
  }
}
