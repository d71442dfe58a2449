import type { Construct } from 'constructs';
import type { ServiceCatalog } from '../lib/catalog/types';
import type { StoreModel } from '../lib/catalog/stores';
import { isHttps, vaultCaProvider, vaultServerFor } from '../lib/catalog/vault-tls';
import { VaultClusterSecretStore } from '../lib/constructs/vault-cluster-secret-store';
import { SecretopsChart, SecretopsChartProps } from './secretops-chart';

export interface FoundationChartProps extends SecretopsChartProps {
  readonly catalog: ServiceCatalog;
  readonly cluster: string;
  /** The cluster's stores (lib/catalog/stores.ts). */
  readonly stores: readonly StoreModel[];
}

/**
 * Per cluster, earliest wave: the Vault ClusterSecretStores (one per environment and singleton
 * namespace unless `spec.vault.isolation: shared`), each limited to its namespaces, and the one
 * login account they share. An `https://` server gets the catalog's CA (`spec.vault.tls.caProvider`).
 */
export class FoundationChart extends SecretopsChart {
  public readonly stores: readonly VaultClusterSecretStore[];

  constructor(scope: Construct, props: FoundationChartProps) {
    super(scope, props);
    const v = props.catalog.spec.vault;
    const server = vaultServerFor(props.catalog, props.cluster);
    this.stores = props.stores.map(
      (store, i) =>
        new VaultClusterSecretStore(this, store.name, {
          name: store.name,
          server,
          kvMount: v.kvMount,
          authMount: v.authMount,
          role: store.role,
          ...(v.serviceAccount ? { serviceAccount: v.serviceAccount } : {}),
          ...(store.namespaces ? { namespaces: store.namespaces } : {}),
          ...(isHttps(server) ? { caProvider: vaultCaProvider(props.catalog) } : {}),
          renderLoginAccount: i === 0,
          tokenReviewBindingName: `${v.store}-token-review`,
        }),
    );
  }
}
