/**
 * The ExternalSecret policy a catalog may set (`spec.externalSecrets`, per service `externalSecrets`)
 * and its documented defaults, written once: the catalog types, the planner and the
 * `VaultExternalSecret` construct all read them from here.
 * @see https://external-secrets.io/latest/api/externalsecret/
 */

/** Who owns the target Secret (ESO `spec.target.creationPolicy`). */
export type CreationPolicy = 'Owner' | 'Orphan' | 'Merge' | 'None';
/** What happens to the Secret when its keys disappear from the provider (ESO `spec.target.deletionPolicy`). */
export type DeletionPolicy = 'Delete' | 'Merge' | 'Retain';

export interface ExternalSecretPolicy {
  /** @default "1h" */
  readonly refreshInterval: string;
  /** @default "Owner" */
  readonly creationPolicy: CreationPolicy;
  /** @default "Retain" */
  readonly deletionPolicy: DeletionPolicy;
}

/**
 * Documented defaults: refresh hourly (Vault is not hammered, rotations land within the hour); ESO
 * owns the Secret it creates (garbage-collected with the ExternalSecret); `Retain` keeps the last
 * good Secret when Vault loses a key, so a Vault mistake does not take workloads down.
 */
export const DEFAULT_EXTERNAL_SECRET_POLICY: ExternalSecretPolicy = { refreshInterval: '1h', creationPolicy: 'Owner', deletionPolicy: 'Retain' };
