import type { Construct } from 'constructs';
import { ArgoCdHealthChecks } from '../lib/constructs/argocd-health-checks';
import { ComponentApplicationSet } from '../lib/constructs/argocd-application-set';
import { Labels, STAGES } from '../lib/constructs/metadata';
import type { ArgoCdPlan } from './chart-inputs';
import { SecretopsChart, SecretopsChartProps } from './secretops-chart';

export interface ApplicationSetChartProps extends SecretopsChartProps {
  readonly argocd: ArgoCdPlan;
  readonly cluster: string;
}

/** Per cluster, applied to the Argo CD control plane: the ApplicationSet over the cluster's component folders. */
export class ApplicationSetChart extends SecretopsChart {
  constructor(scope: Construct, props: ApplicationSetChartProps) {
    super(scope, props);
    const a = props.argocd;
    new ComponentApplicationSet(this, 'application-set', {
      name: `secretops-${props.cluster}`,
      namespace: a.namespace,
      repoURL: a.repoURL,
      targetRevision: a.targetRevision,
      clusterPath: `${a.path}/${props.cluster}`,
      project: a.project,
      stages: STAGES,
      metadata: { labels: { [Labels.managedBy]: 'secretops', [Labels.partOf]: props.provenance.partOf } },
    });
  }
}

export interface ArgoCdHealthChartProps extends SecretopsChartProps {
  readonly namespace: string;
}

/** The argocd-cm keys (ExternalSecret health) secretops relies on. */
export class ArgoCdHealthChart extends SecretopsChart {
  constructor(scope: Construct, props: ArgoCdHealthChartProps) {
    super(scope, props);
    // argocd-cm must keep part-of=argocd: Argo CD only reads ConfigMaps with that label.
    new ArgoCdHealthChecks(this, 'health', { namespace: props.namespace, metadata: { labels: { [Labels.partOf]: 'argocd' } } });
  }
}
