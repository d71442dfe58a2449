import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../policies';
import { interestOutsideCrds, objectsOf } from '../../../policies/helpers/k8s/objects';
import { parseFile, slicesOf } from '../../../lib/scan/parse';
import { filesUnder } from '../../support/pointers';

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
    expect(interestOutsideCrds(/root[-_]?token/i).test('kind: customresourcedefinition\nroot_token: x\n')).toBe(false);
    expect(interestOutsideCrds(/^spec/m).test('kind: Pod\nspec: {}\n')).toBe(false);
  });

  // Every interest built here, with the single regular expression its source spells out.
  const interests = [...RULES.flatMap((r) => (r.meta.interest && r.meta.interest.constructor !== RegExp ? [r.meta.interest] : [])), interestOutsideCrds(/root[-_]?token/i), interestOutsideCrds(/(?:^|\n)[\s-]*"?secret"?\s*:/)];
  const spelled = (re: RegExp) => new RegExp(re.source, re.flags);

  it('tests as its source matches: on generated texts around the CRD look\'s bound', () => {
    expect(interests.length).toBeGreaterThanOrEqual(8);
    const part = fc.constantFrom('kind: ', '"kind": "', 'kind:  \'', 'CustomResourceDefinition', 'customresourcedefinition', 'CustomResourceDefinitions', 'secretKeyRef', 'ExternalSecret', 'SecretStore', 'VaultInventory', 'root-token', 'ROOT_TOKEN', 'vault operator', '/v1/sys/', 'app.kubernetes.io/name', 'containers:', 'secretName', 'secret: ', '\n- secret:', 'ingress', '\n', ' ', 'x', 'akind: ', '-defaults');
    const pad = fc.nat({ max: 2100 }).map((n) => 'a'.repeat(n));
    const text = fc.array(fc.oneof(part, pad, fc.string({ maxLength: 8 })), { maxLength: 12 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(text, (t) => {
        for (const re of interests) expect(re.test(t), `${re.source} on ${JSON.stringify(t.slice(0, 200))}`).toBe(spelled(re).test(t));
      }),
      { numRuns: 400 },
    );
  });

  it('tests as its source matches: on every document of the real-world corpus', () => {
    const corpus = join(__dirname, '..', '..', 'corpora', 'realworld');
    let docs = 0;
    for (const path of filesUnder(corpus, /\.(ya?ml|json)$/)) {
      const text = readFileSync(path, 'utf8');
      for (const s of slicesOf({ kind: path.endsWith('.json') ? 'json' : 'yaml', text })) {
        docs++;
        for (const re of interests) expect(re.test(s.text), `${re.source} on ${path}#${s.index}`).toBe(spelled(re).test(s.text));
      }
    }
    expect(docs).toBeGreaterThan(1000);
  });
});

describe('objectsOf', () => {
  it('expands List items with their pointers', () => {
    const { docs } = parseFile({ path: 'l.yaml', kind: 'yaml', text: 'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Secret, metadata: {name: a, namespace: n, labels: {x: y}}}\n  - not-an-object\n' });
    expect(objectsOf(docs[0]!).map((o) => [o.at, o.kind, o.name, o.namespace, o.labels])).toEqual([['/items/0', 'Secret', 'a', 'n', { x: 'y' }]]);
  });
});
