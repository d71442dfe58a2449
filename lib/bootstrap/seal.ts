import { UserError } from '../errors';
import { credentialKeyMatcher } from '../credential-like';
import type { ServiceCatalog, VaultSealSpec } from '../catalog/types';
import { isHttps, vaultCertSecret, vaultServerFor } from '../catalog/vault-tls';

/**
 * The production Vault server's seal configuration for KMS auto-unseal, rendered for the Vault Helm
 * chart. Only non-secret settings (region, key id, key ring, vault name, transit address and key)
 * belong in the catalog: credentials come from workload identity (IRSA, GKE workload identity,
 * Azure managed identity) or, for transit, from `VAULT_TOKEN` in the Vault pod's environment.
 *
 * @see https://developer.hashicorp.com/vault/docs/configuration/seal
 * @see https://github.com/hashicorp/vault-helm/blob/main/values.yaml (`server.ha.raft.config`)
 */

/** Seal parameters that are credentials: refused in the catalog, whatever the credential matcher says. */
const SECRET_SEAL_PARAMETERS: Readonly<Record<VaultSealSpec['type'], readonly string[]>> = {
  awskms: ['access_key', 'secret_key', 'session_token'],
  gcpckms: ['credentials'],
  azurekeyvault: ['client_secret'],
  transit: ['token', 'tls_client_key'],
};

const HCL_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function hclString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Refuses parameter names that are not HCL identifiers or that carry credentials. */
export function checkSealSpec(seal: VaultSealSpec, file = 'services.yaml'): void {
  const isCredential = credentialKeyMatcher();
  const problems = Object.keys(seal.config)
    .sort()
    .flatMap((key) => {
      const pointer = `/spec/vault/seal/config/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!HCL_IDENTIFIER.test(key)) {
        return [{ file, pointer, message: `seal parameter "${key}" is not a Vault seal parameter name`, hint: 'use the lower_snake_case names of the seal stanza, e.g. kms_key_id' }];
      }
      if (SECRET_SEAL_PARAMETERS[seal.type].includes(key) || isCredential(key)) {
        return [
          {
            file,
            pointer,
            message: `seal parameter "${key}" is a credential and must not be in the catalog`,
            hint: seal.type === 'transit' ? 'give the Vault pod VAULT_TOKEN from a Secret instead' : 'grant the Vault pod access to the key through workload identity instead',
          },
        ];
      }
      return [];
    });
  if (problems.length > 0) throw new UserError(problems);
}

/** The `seal "<type>" { ... }` stanza, parameters sorted by name. */
export function sealStanza(seal: VaultSealSpec): string {
  checkSealSpec(seal);
  const lines = Object.keys(seal.config)
    .sort()
    .map((k) => `  ${k} = ${hclString(seal.config[k]!)}`);
  return `seal ${hclString(seal.type)} {\n${lines.join('\n')}\n}\n`;
}

/** Where the Vault Helm chart mounts `server.extraVolumes` of type secret. */
export const VAULT_USERCONFIG_DIR = '/vault/userconfig';

/** TLS of the production listener: the Secret (in the Vault namespace) with tls.crt, tls.key and ca.crt. */
export interface VaultListenerTls {
  readonly certSecret: string;
}

/**
 * The Vault server configuration of the chart's HA Raft mode (storage and service registration as
 * the chart has them) with the seal stanza appended. The listener serves TLS from the certificate
 * Secret; only a catalog that opted out (`allowPlaintextProduction` with an `http://` server) gets
 * the chart's `tls_disable = 1` listener.
 * @see https://developer.hashicorp.com/vault/docs/configuration/listener/tcp
 * @see https://developer.hashicorp.com/vault/docs/platform/k8s/helm/examples/standalone-tls
 */
export function vaultServerConfig(seal: VaultSealSpec, tls?: VaultListenerTls): string {
  const dir = tls ? `${VAULT_USERCONFIG_DIR}/${tls.certSecret}` : '';
  const listener = tls
    ? `listener "tcp" {
  address = "[::]:8200"
  cluster_address = "[::]:8201"
  tls_cert_file = "${dir}/tls.crt"
  tls_key_file = "${dir}/tls.key"
  tls_min_version = "tls12"
}`
    : `listener "tcp" {
  tls_disable = 1
  address = "[::]:8200"
  cluster_address = "[::]:8201"
}`;
  return `ui = true

${listener}

storage "raft" {
  path = "/vault/data"
}

service_registration "kubernetes" {}

${sealStanza(seal)}`;
}

/**
 * Helm values for hashicorp/vault: HA with integrated storage, auto-unsealed by the catalog's seal,
 * serving TLS from `tls.certSecret` (mounted by `server.extraVolumes`; `global.tlsDisable: false`
 * makes the chart's probes and `VAULT_ADDR` use https, `VAULT_CACERT` lets the pods' own CLI trust it).
 */
export function vaultHelmSealValues(seal: VaultSealSpec, tls?: VaultListenerTls): Record<string, unknown> {
  return {
    ...(tls ? { global: { tlsDisable: false } } : {}),
    server: {
      ...(tls
        ? {
            extraEnvironmentVars: { VAULT_CACERT: `${VAULT_USERCONFIG_DIR}/${tls.certSecret}/ca.crt` },
            extraVolumes: [{ type: 'secret', name: tls.certSecret }],
          }
        : {}),
      ha: {
        enabled: true,
        raft: { enabled: true, config: vaultServerConfig(seal, tls) },
      },
    },
  };
}

/** The listener TLS of a cluster: set unless the cluster reaches Vault over `http://` (an explicit opt-out). */
export function listenerTlsFor(catalog: ServiceCatalog, cluster: string): VaultListenerTls | undefined {
  return isHttps(vaultServerFor(catalog, cluster)) ? { certSecret: vaultCertSecret(catalog) } : undefined;
}
