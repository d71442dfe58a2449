import type { Construct } from 'constructs';
import { KubeNamespace } from '../lib/constructs/k8s';
import { SecretopsChart, SecretopsChartProps } from './secretops-chart';

export interface NamespacesChartProps extends SecretopsChartProps {
  /** Every namespace the cluster's components deliver into. */
  readonly namespaces: readonly string[];
}

/** Per cluster: the namespaces, in one Application so no two components fight over one. */
export class NamespacesChart extends SecretopsChart {
  constructor(scope: Construct, props: NamespacesChartProps) {
    super(scope, props);
    for (const name of props.namespaces) new KubeNamespace(this, name, { metadata: { name } });
  }
}
