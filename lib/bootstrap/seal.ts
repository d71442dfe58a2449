import { UserError } from '../errors';
import { credentialKeyMatcher } from '../credential-like';
import type { VaultSealSpec } from '../catalog/types';

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

/**
 * The Vault server configuration of the chart's HA Raft mode (the chart's own default listener,
 * storage and service registration) with the seal stanza appended.
 */
export function vaultServerConfig(seal: VaultSealSpec): string {
  return `ui = true

listener "tcp" {
  tls_disable = 1
  address = "[::]:8200"
  cluster_address = "[::]:8201"
}

storage "raft" {
  path = "/vault/data"
}

service_registration "kubernetes" {}

${sealStanza(seal)}`;
}

/** Helm values for hashicorp/vault: HA with integrated storage, auto-unsealed by the catalog's seal. */
export function vaultHelmSealValues(seal: VaultSealSpec): Record<string, unknown> {
  return {
    server: {
      ha: {
        enabled: true,
        raft: { enabled: true, config: vaultServerConfig(seal) },
      },
    },
  };
}
