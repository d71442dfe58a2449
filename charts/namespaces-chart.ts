import type { Construct } from 'constructs';
import { KubeNamespace } from '../lib/constructs/k8s';
import { SecretopsChart, SecretopsChartProps } from './secretops-chart';

export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export interface NamespacesChartProps extends SecretopsChartProps {
  /** Every namespace the cluster's components deliver into. */
  readonly namespaces: readonly string[];
  /**
   * Pod Security Admission level enforced on each namespace.
   * @default "restricted"
   * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
   */
  readonly podSecurity?: PodSecurityLevel;
}

/**
 * Argo CD never prunes these namespaces and never deletes them with their Application
 * (`Prune=false,Delete=false`): a namespace takes every Secret, workload and volume in it along, so
 * removing one is a person's decision, not a side effect of a deleted ApplicationSet or folder.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-prune-resources
 */
export const NAMESPACE_SYNC_OPTIONS = 'Prune=false,Delete=false';

/** Per cluster: the namespaces, in one Application so no two components fight over one. */
export class NamespacesChart extends SecretopsChart {
  public readonly podSecurity: PodSecurityLevel;

  constructor(scope: Construct, props: NamespacesChartProps) {
    super(scope, props);
    this.podSecurity = props.podSecurity ?? 'restricted';
    for (const name of props.namespaces) {
      new KubeNamespace(this, name, {
        metadata: {
          name,
          annotations: { 'argocd.argoproj.io/sync-options': NAMESPACE_SYNC_OPTIONS },
          labels: {
            'pod-security.kubernetes.io/enforce': this.podSecurity,
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
        },
      });
    }
  }
}
