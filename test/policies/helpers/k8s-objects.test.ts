import { describe, expect, it } from 'vitest';
import { interestOutsideCrds, objectsOf } from '../../../policies/helpers/k8s/objects';
import { parseFile } from '../../../lib/scan/parse';

describe('interestOutsideCrds', () => {
  const interest = interestOutsideCrds(/secretKeyRef/);
  it('matches documents that use the field', () => {
    expect(interest.test('kind: Deployment\nspec:\n  env: [{valueFrom: {secretKeyRef: {name: s}}}]\n')).toBe(true);
    expect(interest.test('kind: Deployment\n')).toBe(false);
  });
  it('passes over CustomResourceDefinitions, in YAML and JSON, whatever their schemas name', () => {
    expect(interest.test('apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  properties:\n    secretKeyRef: {}\n')).toBe(false);
    expect(interest.test('{"kind": "CustomResourceDefinition", "spec": {"secretKeyRef": {}}}')).toBe(false);
  });
  it('keeps the pattern flags that matter', () => {
    expect(interestOutsideCrds(/root[-_]?token/i).test('env: [{name: VAULT_ROOT_TOKEN}]')).toBe(true);
  });
});

describe('objectsOf', () => {
  it('expands List items with their pointers', () => {
    const { docs } = parseFile({ path: 'l.yaml', kind: 'yaml', text: 'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Secret, metadata: {name: a, namespace: n, labels: {x: y}}}\n  - not-an-object\n' });
    expect(objectsOf(docs[0]!).map((o) => [o.at, o.kind, o.name, o.namespace, o.labels])).toEqual([['/items/0', 'Secret', 'a', 'n', { x: 'y' }]]);
  });
});
