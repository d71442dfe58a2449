import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { STAGE_LABEL } from './metadata';

/** Name of the file in every component folder that describes it to the ApplicationSet's git files generator. */
export const COMPONENT_DESCRIPTOR = 'component.json';

/**
 * What `component.json` holds: the parameters the ApplicationSet template uses. Written by the dist
 * writer next to the manifests; Argo CD's directory source skips it (`directory.exclude`).
 */
export interface ComponentDescriptor {
  /** Application name. */
  readonly app: string;
  /** Argo CD destination cluster name (the catalog's cluster name). */
  readonly cluster: string;
  /** Destination namespace for namespaced objects that name none; empty for cluster-wide components. */
  readonly namespace: string;
  readonly stage: string;
  /** Argo CD sync wave of the Application (its stage's wave). */
  readonly wave: string;
}

export interface ComponentApplicationSetProps {
  readonly name: string;
  /** Namespace Argo CD runs in. @default "argocd" */
  readonly namespace?: string;
  /** Git repository that holds `dist/`. */
  readonly repoURL: string;
  /** @default "HEAD" */
  readonly targetRevision?: string;
  /** Folder of the cluster's components, e.g. `dist/nonprod`. */
  readonly clusterPath: string;
  /** @default "default" */
  readonly project?: string;
  /** Delivery stages in order; one progressive-sync step each. */
  readonly stages: readonly string[];
  /**
   * Keep the deployed objects when the ApplicationSet is deleted (Argo CD then deletes the
   * Applications without their resources-finalizer cascade): deleting one object must not take every
   * namespace, Secret and workload of a cluster with it.
   * @default true
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Application-Deletion/
   */
  readonly preserveResourcesOnDeletion?: boolean;
  /** Labels and annotations of the ApplicationSet and every generated Application. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * An Argo CD ApplicationSet that makes one Application per component folder of a cluster. A git
 * files generator reads each folder's `component.json` (so the stage and destination travel with the
 * folder, and a new service folder becomes an Application without touching this object); the
 * RollingSync strategy syncs the stages in order and waits for each step to be Healthy, which, with
 * the ExternalSecret health check, means secrets are Ready before workloads roll.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Progressive-Syncs/
 */
export class ComponentApplicationSet extends Construct {
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: ComponentApplicationSetProps) {
    super(scope, id);
    const meta = props.metadata ?? {};
    const revision = props.targetRevision ?? 'HEAD';
    this.resource = new ApiObject(this, 'resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { ...meta, name: props.name, namespace: props.namespace ?? 'argocd' },
      spec: {
        syncPolicy: { preserveResourcesOnDeletion: props.preserveResourcesOnDeletion ?? true },
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ git: { repoURL: props.repoURL, revision, files: [{ path: `${props.clusterPath}/**/${COMPONENT_DESCRIPTOR}` }] } }],
        strategy: {
          type: 'RollingSync',
          rollingSync: { steps: props.stages.map((stage) => ({ matchExpressions: [{ key: STAGE_LABEL, operator: 'In', values: [stage] }] })) },
        },
        template: {
          metadata: {
            name: '{{ .app }}',
            labels: { ...(meta.labels ?? {}), [STAGE_LABEL]: '{{ .stage }}' },
            annotations: { ...(meta.annotations ?? {}), 'argocd.argoproj.io/sync-wave': '{{ .wave }}' },
          },
          spec: {
            project: props.project ?? 'default',
            source: { repoURL: props.repoURL, targetRevision: revision, path: '{{ .path.path }}', directory: { exclude: COMPONENT_DESCRIPTOR } },
            destination: { name: '{{ .cluster }}', namespace: '{{ .namespace }}' },
            syncPolicy: {
              automated: { prune: true, selfHeal: true },
              syncOptions: ['PruneLast=true', 'RespectIgnoreDifferences=true'],
              retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
            },
          },
        },
      },
    });
  }
}
