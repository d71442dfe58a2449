import type { Construct } from 'constructs';
import { Annotations } from '../lib/constructs/metadata';
import { BaseValuesConfigMap } from '../lib/constructs/base-values-config-map';
import { VaultExternalSecret } from '../lib/constructs/vault-external-secret';
import type { SecretPlan } from './chart-inputs';
import { SecretopsChart, SecretopsChartProps } from './secretops-chart';

export interface SecretsChartProps extends SecretopsChartProps {
  readonly namespace: string;
  readonly storeName: string;
  /** The platform-level secrets of one service instance (or singleton instance), as planned. */
  readonly secrets: readonly SecretPlan[];
  /** The catalog file, for per-secret source annotations. */
  readonly sourceName: string;
}

/**
 * One ExternalSecret per platform-level catalog secret (keys at the Vault locations the resolver
 * chose) and one ConfigMap for the keys that resolve to a non-secret base value.
 */
export class SecretsChart extends SecretopsChart {
  public readonly externalSecrets: VaultExternalSecret[] = [];

  constructor(scope: Construct, props: SecretsChartProps) {
    super(scope, props);
    for (const s of props.secrets) {
      const metadata = { annotations: { [Annotations.source]: `${props.sourceName}#${s.pointer}`, [Annotations.level]: s.spec.level } };
      if (s.vaultKeys.length > 0) {
        this.externalSecrets.push(
          new VaultExternalSecret(this, `${s.targetName}-external-secret`, {
            name: s.targetName,
            namespace: props.namespace,
            storeName: props.storeName,
            data: s.vaultKeys,
            refreshInterval: s.policy.refreshInterval,
            creationPolicy: s.policy.creationPolicy,
            deletionPolicy: s.policy.deletionPolicy,
            metadata,
          }),
        );
      }
      if (s.baseValues.length > 0) {
        new BaseValuesConfigMap(this, `${s.configMapName}-config-map`, { name: s.configMapName, namespace: props.namespace, values: s.baseValues, metadata });
      }
    }
  }
}
