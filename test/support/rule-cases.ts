import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadProject, Project } from '../../lib/project/load';
import { checkText } from '../../lib/scan/run-rules';
import type { Finding, Rule } from '../../lib/scan/types';
import { REPO_ROOT } from './tmp';

/**
 * The generic case runner every rule folder gets for free: `cases/ng.*` must yield at least one
 * finding of the rule, `cases/ok.*` none. A case file that does not parse fails the test (unless
 * the rule reports parse problems), so a broken case can never pass as "clean".
 */
export interface RuleCase {
  readonly name: string;
  readonly expect: 'ng' | 'ok';
  readonly path: string;
}

export function ruleFolder(rule: Rule): string {
  return join(REPO_ROOT, 'policies', rule.meta.id);
}

export function ruleCases(rule: Rule): RuleCase[] {
  const dir = join(ruleFolder(rule), 'cases');
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names
    .filter((n) => /^(ng|ok)\..+\.(ya?ml|json)$/.test(n))
    .map((n) => ({ name: n, expect: n.startsWith('ng.') ? 'ng' : 'ok', path: join(dir, n) }));
}

let example: Project | undefined;

/** The repository's example catalog, for catalog-aware rules (loaded once per test file). */
export function exampleCatalog(): Project {
  example ??= loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') });
  return example;
}

/** Runs one case file through its rule, as `policies/<rule>/cases/<name>` relative to the repository. */
export async function runCase(rule: Rule, c: RuleCase): Promise<Finding[]> {
  const findings = await checkText(rule, `policies/${rule.meta.id}/cases/${c.name}`, readFileSync(c.path, 'utf8'), {
    today: '2026-06-01',
    cwd: REPO_ROOT,
    get project() {
      return exampleCatalog();
    },
  });
  return findings.filter((f) => f.ruleId === rule.meta.id);
}

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
