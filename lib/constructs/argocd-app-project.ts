import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

export interface ArgoCdAppProjectProps {
  readonly name: string;
  /** Namespace Argo CD runs in. @default "argocd" */
  readonly namespace?: string;
  /** The one repository the project's Applications may come from (the one holding `dist/`). */
  readonly repoURL: string;
  /** Argo CD cluster names the Applications may deploy to. */
  readonly clusters: readonly string[];
  /** Cluster-scoped kinds the components render, as `group/Kind` (`""` group for core). */
  readonly clusterResources: readonly { readonly group: string; readonly kind: string }[];
  readonly description?: string;
  /** @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * A dedicated Argo CD AppProject instead of `default` (which may deploy anything from anywhere to
 * anywhere): the generated Applications may only come from the catalog's repository, only go to the
 * catalog's clusters, and may only create the cluster-scoped kinds synth renders.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 */
export class ArgoCdAppProject extends Construct {
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoCdAppProjectProps) {
    super(scope, id);
    if (props.clusters.length === 0) throw new Error(`ArgoCdAppProject "${props.name}": 'clusters' is empty`);
    this.resource = new ApiObject(this, 'resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { ...(props.metadata ?? {}), name: props.name, namespace: props.namespace ?? 'argocd' },
      spec: {
        ...(props.description ? { description: props.description } : {}),
        sourceRepos: [props.repoURL],
        destinations: props.clusters.map((name) => ({ name, namespace: '*' })),
        clusterResourceWhitelist: props.clusterResources.map((r) => ({ group: r.group, kind: r.kind })),
      },
    });
  }
}
