import { describe, expect, it } from 'vitest';
import { stampManifest, Provenance } from '../../lib/constructs/provenance';

const p: Provenance = { name: 'agents', partOf: 'ameide', component: 'secrets', instance: 'agents-dev', source: 'services.yaml#/spec/services/0', cluster: 'nonprod', environment: 'dev', environmentInstance: 'dev', distComponent: 'nonprod/dev/agents', stage: 'secrets' };

describe('stampManifest', () => {
  it('adds every label and annotation, sorted by key', () => {
    const m = stampManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, p);
    expect(m.metadata?.labels).toEqual({
      'app.kubernetes.io/component': 'secrets',
      'app.kubernetes.io/instance': 'agents-dev',
      'app.kubernetes.io/managed-by': 'secretops',
      'app.kubernetes.io/name': 'agents',
      'app.kubernetes.io/part-of': 'ameide',
    });
    expect(Object.keys(m.metadata!.annotations!)).toEqual([...Object.keys(m.metadata!.annotations!)].sort());
    expect(m.metadata?.annotations).toMatchObject({ 'secretops.dev/source': 'services.yaml#/spec/services/0', 'argocd.argoproj.io/sync-wave': '-10', 'secretops.dev/environment': 'dev' });
  });

  it('never overwrites what the object says more precisely', () => {
    const m = stampManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { 'app.kubernetes.io/part-of': 'argocd' }, annotations: { 'secretops.dev/source': 'services.yaml#/spec/services/0/secrets/1' } } }, p);
    expect(m.metadata?.labels?.['app.kubernetes.io/part-of']).toBe('argocd');
    expect(m.metadata?.annotations?.['secretops.dev/source']).toBe('services.yaml#/spec/services/0/secrets/1');
  });
});
