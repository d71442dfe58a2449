import { CreationPolicy, DeletionPolicy, DEFAULT_EXTERNAL_SECRET_POLICY } from '../catalog/external-secret-policy';
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../imports/external-secrets.io';

/** One Secret key and where it lives in Vault. A reference, never a value. */
export interface VaultSecretRef {
  /** Key in the Kubernetes Secret. */
  readonly secretKey: string;
  /** Path within the KV v2 mount, e.g. `ai/agents` (ESO `remoteRef.key`). */
  readonly remoteKey: string;
  /** Key at that path (ESO `remoteRef.property`). */
  readonly property: string;
}

export type { CreationPolicy, DeletionPolicy } from '../catalog/external-secret-policy';

export interface VaultExternalSecretProps {
  /** Name of the ExternalSecret and of the Secret it writes (`target.name`). */
  readonly name: string;
  readonly namespace: string;
  /** The ClusterSecretStore to read from. */
  readonly storeName: string;
  /** Every key of the Secret; at least one. */
  readonly data: readonly VaultSecretRef[];
  /**
   * How often ESO re-reads Vault.
   * @default "1h"
   * @see https://external-secrets.io/latest/api/externalsecret/
   */
  readonly refreshInterval?: string;
  /**
   * Who owns the target Secret.
   * @default "Owner"
   */
  readonly creationPolicy?: CreationPolicy;
  /**
   * What happens to the Secret when its keys disappear from Vault.
   * @default "Retain"
   */
  readonly deletionPolicy?: DeletionPolicy;
  /** Labels and annotations. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/** An ESO v1 ExternalSecret that fills one Secret from a Vault KV v2 ClusterSecretStore. */
export class VaultExternalSecret extends Construct {
  public readonly name: string;
  public readonly refreshInterval: string;
  public readonly creationPolicy: CreationPolicy;
  public readonly deletionPolicy: DeletionPolicy;
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: VaultExternalSecretProps) {
    super(scope, id);
    this.name = props.name;
    this.refreshInterval = props.refreshInterval ?? DEFAULT_EXTERNAL_SECRET_POLICY.refreshInterval;
    this.creationPolicy = props.creationPolicy ?? DEFAULT_EXTERNAL_SECRET_POLICY.creationPolicy;
    this.deletionPolicy = props.deletionPolicy ?? DEFAULT_EXTERNAL_SECRET_POLICY.deletionPolicy;
    // The same rules ESO's admission webhook enforces, failing at synth instead of at sync.
    if (this.deletionPolicy === 'Delete' && this.creationPolicy === 'Merge') {
      throw new Error(`ExternalSecret "${props.name}": 'deletionPolicy' (Delete) cannot be used with 'creationPolicy' (Merge); use deletionPolicy Retain or creationPolicy Owner`);
    }
    if (this.deletionPolicy === 'Merge' && this.creationPolicy === 'None') {
      throw new Error(`ExternalSecret "${props.name}": 'deletionPolicy' (Merge) cannot be used with 'creationPolicy' (None); use deletionPolicy Retain`);
    }
    if (props.data.length === 0) throw new Error(`ExternalSecret "${props.name}": 'data' is empty; give it at least one key or do not render it`);
    const keys = new Set<string>();
    for (const d of props.data) {
      if (keys.has(d.secretKey)) throw new Error(`ExternalSecret "${props.name}": key "${d.secretKey}" appears twice in 'data'`);
      keys.add(d.secretKey);
    }

    // The typed props are converted to JSON once here; a plain ApiObject then skips the generated
    // class's second conversion on every toJson() (measurable at thousands of ExternalSecrets).
    this.resource = new ApiObject(this, 'resource', ExternalSecret.manifest({
      metadata: { ...(props.metadata ?? {}), name: props.name, namespace: props.namespace },
      spec: {
        refreshInterval: this.refreshInterval,
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: props.storeName },
        target: {
          name: props.name,
          creationPolicy: this.creationPolicy as ExternalSecretSpecTargetCreationPolicy,
          deletionPolicy: this.deletionPolicy as ExternalSecretSpecTargetDeletionPolicy,
        },
        data: props.data.map((d) => ({ secretKey: d.secretKey, remoteRef: { key: d.remoteKey, property: d.property } })),
      },
    }));
  }
}
