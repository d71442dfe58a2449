import { describe, expect, it } from 'vitest';
import { checkText } from '../../lib/scan/run-rules';
import { invalidSuppression } from '.';

const withAnnotation = (value: string) => `kind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    secretops.dev/ignore: ${value}\n`;

describe('invalid-suppression', () => {
  it('reports an annotation without a reason at the annotation', async () => {
    const findings = await checkText(invalidSuppression, 'a.yaml', withAnnotation('no-inline-secret'));
    expect(findings.map((f) => [f.line, f.column, f.severity, f.message])).toEqual([
      [5, 27, 'warning', 'secretops.dev/ignore for no-inline-secret has no reason after "--": it suppresses nothing'],
    ]);
  });

  it('reports a malformed annotation and a non-string one', async () => {
    expect(await checkText(invalidSuppression, 'a.yaml', withAnnotation('"every rule, please"'))).toHaveLength(1);
    expect(await checkText(invalidSuppression, 'a.yaml', withAnnotation('[no-inline-secret]'))).toHaveLength(1);
  });

  it('accepts a reason, several rules and spaces around commas', async () => {
    expect(await checkText(invalidSuppression, 'a.yaml', withAnnotation('"no-inline-secret , no-sealed-secret -- kind demo"'))).toEqual([]);
  });
});
