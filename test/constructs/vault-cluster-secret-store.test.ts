import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { VaultClusterSecretStore } from '../../lib/constructs/vault-cluster-secret-store';

const base = { name: 'vault', server: 'https://vault.example:8200', kvMount: 'kv', authMount: 'k8s' };

describe('VaultClusterSecretStore', () => {
  it('points ESO at the KV v2 mount with Kubernetes auth and the default role and service account', () => {
    const chart = Testing.chart();
    const store = new VaultClusterSecretStore(chart, 'store', base);
    expect(store.createServiceAccount).toBe(false);
    const objects = Testing.synth(chart);
    expect(objects.map((o) => o.kind)).toEqual(['ClusterSecretStore', 'ClusterRoleBinding']);
    expect(objects[0].spec.provider.vault).toEqual({
      server: 'https://vault.example:8200',
      path: 'kv',
      version: 'v2',
      auth: { kubernetes: { mountPath: 'k8s', role: 'external-secrets', serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } } },
    });
    expect(objects[1]).toMatchObject({
      metadata: { name: 'vault-token-review' },
      roleRef: { kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: 'external-secrets', namespace: 'external-secrets' }],
    });
  });

  it('renders a dedicated service account, and binds it', () => {
    const chart = Testing.chart();
    new VaultClusterSecretStore(chart, 'store', { ...base, role: 'eso', serviceAccount: { name: 'vault-reader', namespace: 'platform' } });
    const objects = Testing.synth(chart);
    expect(objects.find((o) => o.kind === 'ServiceAccount')?.metadata).toEqual({ name: 'vault-reader', namespace: 'platform' });
    expect(objects[0].spec.provider.vault.auth.kubernetes.role).toBe('eso');
    expect(objects.find((o) => o.kind === 'ClusterRoleBinding')?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'vault-reader', namespace: 'platform' }]);
  });
});
