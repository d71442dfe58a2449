import type { ServiceCatalog } from './types';

/**
 * How each cluster reaches Vault, and the TLS material on both ends. Production-tier clusters talk
 * `https://` (refused otherwise unless `spec.vault.allowPlaintextProduction`); wherever the address
 * is `https://`, the stores and the bootstrap trust the CA of `spec.vault.tls.caProvider`.
 * @see https://external-secrets.io/latest/provider/hashicorp-vault/ (caProvider)
 * @see https://developer.hashicorp.com/vault/docs/configuration/listener/tcp (tls_cert_file, tls_key_file)
 */

/** The Secret (in the Vault namespace) holding `ca.crt`, `tls.crt` and `tls.key`, unless the catalog names others. */
export const DEFAULT_VAULT_TLS_SECRET = 'vault-tls';
export const DEFAULT_VAULT_CA_KEY = 'ca.crt';

export interface CaProvider {
  readonly type: 'Secret' | 'ConfigMap';
  readonly name: string;
  readonly key: string;
  readonly namespace: string;
}

/** `spec.clusters[].vaultServer`, else `spec.vault.server`. */
export function vaultServerFor(catalog: ServiceCatalog, cluster: string): string {
  return catalog.spec.clusters?.find((c) => c.name === cluster)?.vaultServer ?? catalog.spec.vault.server;
}

export function isHttps(server: string): boolean {
  return /^https:\/\//i.test(server);
}

export function vaultCaProvider(catalog: ServiceCatalog): CaProvider {
  const { vault } = catalog.spec;
  const ca = vault.tls?.caProvider;
  return {
    type: ca?.type ?? 'Secret',
    name: ca?.name ?? DEFAULT_VAULT_TLS_SECRET,
    key: ca?.key ?? DEFAULT_VAULT_CA_KEY,
    namespace: ca?.namespace ?? vault.namespace,
  };
}

export function vaultCertSecret(catalog: ServiceCatalog): string {
  return catalog.spec.vault.tls?.certSecret ?? DEFAULT_VAULT_TLS_SECRET;
}
