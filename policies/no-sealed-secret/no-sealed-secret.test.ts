import { describe, expect, it } from 'vitest';
import { checkText } from '../../lib/scan/run-rules';
import rule, { noSealedSecret } from './index';


describe('no-sealed-secret', () => {

  it('exports the same rule as default and by name', () => {
    expect(rule).toBe(noSealedSecret);
    expect(rule.meta.remediation).toMatch(/ExternalSecret/);
  });

  it('points at kind, names the object and says what to use instead', async () => {
    const text = 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\n  namespace: pay\nspec:\n  encryptedData:\n    password: AgBy3i4O\n';
    const [f, ...rest] = await checkText(rule, 'apps/db.yaml', text);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: 'no-sealed-secret', severity: 'error', file: 'apps/db.yaml', line: 2, column: 7, pointer: '/kind' });
    expect(f!.object).toEqual({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', name: 'db', namespace: 'pay' });
    expect(f!.message).toBe('SealedSecret pay/db keeps an encrypted secret in Git; use an ExternalSecret backed by Vault instead');
    // The encrypted payload is not repeated.
    expect(f!.message).not.toContain('AgBy');
  });

  it('finds each SealedSecret of a List with the item as object', async () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - {apiVersion: bitnami.com/v1alpha1, kind: SealedSecret, metadata: {name: a}}',
      '  - {apiVersion: v1, kind: Secret, metadata: {name: b}}',
      '  - {apiVersion: bitnami.com/v1alpha1, kind: SealedSecret, metadata: {name: c, namespace: ns}}',
      '',
    ].join('\n');
    const findings = await checkText(rule, 'list.yaml', text);
    expect(findings.map((f) => [f.line, f.pointer, f.object?.name])).toEqual([
      [4, '/items/0/kind', 'a'],
      [6, '/items/2/kind', 'c'],
    ]);
  });

  it('honours an ignore annotation on a List item', async () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - {apiVersion: bitnami.com/v1alpha1, kind: SealedSecret, metadata: {name: a, annotations: {secretops.dev/ignore: "no-sealed-secret -- PLAT-7"}}}',
      '  - {apiVersion: bitnami.com/v1alpha1, kind: SealedSecret, metadata: {name: b}}',
      '',
    ].join('\n');
    expect((await checkText(rule, 'list.yaml', text)).map((f) => f.object?.name)).toEqual(['b']);
  });

  it('ignores a kind called SealedSecret in another API group', async () => {
    expect(await checkText(rule, 'x.yaml', 'apiVersion: example.com/v1\nkind: SealedSecret\nmetadata: {name: x}\n')).toEqual([]);
  });

  it('reads Helm templates as text, finding every SealedSecret with its line', async () => {
    const text = '{{- if .Values.a }}\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n{{- end }}\n---\n"kind": "SealedSecret"\n';
    const findings = await checkText(rule, 'chart/templates/sealed.yaml', text);
    expect(findings.map((f) => [f.line, f.column])).toEqual([
      [3, 1],
      [6, 1],
    ]);
    expect(findings[0]!.message).toContain('chart/templates/sealed.yaml renders a SealedSecret');
  });

  it('prefilters on the raw text', () => {
    expect(rule.meta.interest!.test('kind: SealedSecret')).toBe(true);
    expect(rule.meta.interest!.test('kind: ExternalSecret')).toBe(false);
  });

  it('honours a reasoned ignore annotation', async () => {
    const text = 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: legacy\n  annotations:\n    secretops.dev/ignore: "no-sealed-secret -- migrating in PLAT-42"\n';
    expect(await checkText(rule, 'legacy.yaml', text)).toEqual([]);
  });
});
