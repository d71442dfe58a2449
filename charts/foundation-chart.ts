import type { Construct } from 'constructs';
import type { VaultSpec } from '../lib/catalog/types';
import { VaultClusterSecretStore } from '../lib/constructs/vault-cluster-secret-store';
import { SecretopsChart, SecretopsChartProps } from './secretops-chart';

export interface FoundationChartProps extends SecretopsChartProps {
  readonly vault: VaultSpec;
}

/** Per cluster, earliest wave: the Vault ClusterSecretStore and what its login needs. */
export class FoundationChart extends SecretopsChart {
  public readonly store: VaultClusterSecretStore;

  constructor(scope: Construct, props: FoundationChartProps) {
    super(scope, props);
    const v = props.vault;
    this.store = new VaultClusterSecretStore(this, 'vault', {
      name: v.store,
      server: v.server,
      kvMount: v.kvMount,
      authMount: v.authMount,
      ...(v.role ? { role: v.role } : {}),
      ...(v.serviceAccount ? { serviceAccount: v.serviceAccount } : {}),
    });
  }
}
