import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyValue } from '../../../../policies/helpers/detect/classify-value';
import { neutralizeTemplate } from '../../../../policies/helpers/detect/helm-template';
import { findTokens } from '../../../../policies/helpers/detect/token-formats';
import { lineLocator } from '../../../../policies/helpers/detect/text-position';
import { checkText } from '../../../../lib/scan/run-rules';
import noInlineSecret from '../../../../policies/no-inline-secret';
import noSealedSecret from '../../../../policies/no-sealed-secret';

/**
 * Hostile input: the detectors must stay total (never throw) and linear. Inputs that a quadratic
 * regex would need hours for are run here; a regression shows as a test timeout, never as a
 * wall-clock assertion.
 */
const pieces = ['{{', '}}', '{%', '%}', '${', '$(', 'eyJ', '.', '-', 'ghp_', 'put ', ' here', '-----BEGIN PRIVATE KEY-----', '\n', '\\n', 'AKIA', 'xoxb-1-', 'a', 'Z', '9', ' ', '#'];
const hostile = fc.array(fc.constantFrom(...pieces), { maxLength: 200 }).map((xs) => xs.join(''));

describe('detectors on arbitrary text', () => {
  it('never throw, and neutralizeTemplate keeps every offset', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), hostile), (text) => {
        findTokens(text);
        classifyValue(text);
        const out = neutralizeTemplate(text);
        expect(out.length).toBe(text.length);
        expect(out.split('\n').length).toBe(text.split('\n').length);
      }),
      { numRuns: 500 },
    );
  });

  it('locate lines like a split would', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), (text, n) => {
        const offset = text.length === 0 ? 0 : n % text.length;
        const pos = lineLocator(text)(offset);
        const before = text.slice(0, offset).split('\n');
        expect(pos).toEqual({ line: before.length, column: before[before.length - 1]!.length + 1 });
      }),
    );
  });

  it.each([
    ['eyJ-', 'a JWT prefix repeated'],
    ['{{{', 'unclosed template openers'],
    ['${', 'unclosed substitutions'],
    ['put put ', 'placeholder marker starts'],
    ['xoxb-1', 'Slack prefixes'],
    ['-----BEGIN PRIVATE KEY-----', 'PEM headers without bodies'],
    ['LS0tLS1CRUdJTi-', 'base64 PEM headers'],
  ])('stay linear on %j repeated (%s)', (unit) => {
    const text = unit.repeat(Math.ceil(1_000_000 / unit.length));
    expect(findTokens(text)).toEqual([]);
    expect(classifyValue(text).kind).toBeDefined();
    expect(neutralizeTemplate(text).length).toBe(text.length);
  });

  it('the rules survive hostile values and templates of a few hundred kilobytes', async () => {
    const blob = 'eyJ-{{${put '.repeat(25_000);
    const yaml = `apiVersion: v1\nkind: Secret\nmetadata: {name: big}\nstringData:\n  password: "${blob}"\n  notes: "${blob}"\n`;
    expect((await checkText(noInlineSecret, 'big.yaml', yaml)).length).toBeLessThanOrEqual(1);
    expect(await checkText(noInlineSecret, 'chart/templates/big.yaml', `{{${blob}\n`.repeat(3))).toEqual([]);
    expect(await checkText(noSealedSecret, 'chart/templates/big.yaml', `kind: SealedSecret\n${blob}\n`.repeat(50))).toHaveLength(50);
    // A config-file value of blank lines: the "looks structured" test must not rescan them per line.
    const blank = JSON.stringify(' \n'.repeat(200_000) + 'x');
    expect(await checkText(noInlineSecret, 'blank.yaml', `apiVersion: v1\nkind: Secret\nmetadata: {name: b}\nstringData:\n  config: ${blank}\n`)).toEqual([]);
  });
});
