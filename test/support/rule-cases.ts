import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkText } from '../../lib/scan/run-rules';
import type { Rule } from '../../lib/scan/types';

/**
 * Runs a rule over its `cases/` folder: every `ng.*` case must produce at least one finding of
 * that rule and every `ok.*` case none, with or without the rule's `interest` prefilter. An empty
 * folder or a stray file name fails, so a case cannot silently stop counting.
 */
export function itRunsCases(rule: Rule, repoRoot: string): void {
  const dir = join(repoRoot, 'policies', rule.meta.id, 'cases');
  const names = readdirSync(dir).sort();
  it('has ng and ok cases, all named ng.* or ok.*', () => {
    expect(names.some((n) => n.startsWith('ng.'))).toBe(true);
    expect(names.some((n) => n.startsWith('ok.'))).toBe(true);
    expect(names.filter((n) => !/^(ng|ok)\.[\w.-]+\.(ya?ml|json)$/.test(n))).toEqual([]);
  });
  for (const name of names) {
    it(`case ${name}`, async () => {
      const path = `policies/${rule.meta.id}/cases/${name}`;
      const findings = await checkText(rule, path, readFileSync(join(dir, name), 'utf8'));
      expect(findings.every((f) => f.ruleId === rule.meta.id)).toBe(true);
      if (name.startsWith('ng.')) expect(findings.length, `${name} must produce a finding`).toBeGreaterThan(0);
      else expect(findings.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([]);
      // The raw-text prefilter must not hide a finding: the rule without it finds the same.
      const unfiltered: Rule = { ...rule, meta: { ...rule.meta, interest: undefined } };
      expect(await checkText(unfiltered, path, readFileSync(join(dir, name), 'utf8'))).toEqual(findings);
    });
  }
}
