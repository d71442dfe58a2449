import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { VaultExternalSecret } from '../../lib/constructs/vault-external-secret';

const data = [{ secretKey: 'DATABASE_URL', remoteKey: 'dev/agents', property: 'DATABASE_URL' }];

describe('VaultExternalSecret', () => {
  it('renders an ESO v1 ExternalSecret with the documented defaults', () => {
    const chart = Testing.chart();
    const es = new VaultExternalSecret(chart, 'es', { name: 'agents-db', namespace: 'dev', storeName: 'vault', data });
    expect([es.refreshInterval, es.creationPolicy, es.deletionPolicy]).toEqual(['1h', 'Owner', 'Retain']);
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'agents-db', namespace: 'dev' },
        spec: {
          refreshInterval: '1h',
          secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
          target: { name: 'agents-db', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
          data: [{ secretKey: 'DATABASE_URL', remoteRef: { key: 'dev/agents', property: 'DATABASE_URL' } }],
        },
      },
    ]);
  });

  it('takes overrides for every policy', () => {
    const chart = Testing.chart();
    new VaultExternalSecret(chart, 'es', { name: 'x', namespace: 'n', storeName: 's', data, refreshInterval: '5m', creationPolicy: 'Orphan', deletionPolicy: 'Delete' });
    const spec = Testing.synth(chart)[0].spec;
    expect([spec.refreshInterval, spec.target.creationPolicy, spec.target.deletionPolicy]).toEqual(['5m', 'Orphan', 'Delete']);
  });

  it.each([
    ['Merge', 'Delete', /'deletionPolicy' \(Delete\) cannot be used with 'creationPolicy' \(Merge\)/],
    ['None', 'Merge', /'deletionPolicy' \(Merge\) cannot be used with 'creationPolicy' \(None\)/],
  ] as const)('refuses creationPolicy %s with deletionPolicy %s, as ESO does', (creationPolicy, deletionPolicy, message) => {
    expect(() => new VaultExternalSecret(new Chart(Testing.app(), 'c'), 'es', { name: 'x', namespace: 'n', storeName: 's', data, creationPolicy, deletionPolicy })).toThrow(message);
  });

  it('refuses an empty or repeated key list', () => {
    expect(() => new VaultExternalSecret(Testing.chart(), 'es', { name: 'x', namespace: 'n', storeName: 's', data: [] })).toThrow(/'data' is empty/);
    expect(() => new VaultExternalSecret(Testing.chart(), 'es', { name: 'x', namespace: 'n', storeName: 's', data: [...data, ...data] })).toThrow(/key "DATABASE_URL" appears twice/);
  });
});
