import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadProject, Project } from '../../lib/project/load';
import { classifyFile } from '../../lib/scan/parse';
import { checkText } from '../../lib/scan/run-rules';
import type { Finding, Rule } from '../../lib/scan/types';
import { REPO_ROOT } from './tmp';

/**
 * Case files of a rule folder: `cases/ng.*` must yield at least one finding of the rule,
 * `cases/ok.*` none (see itRunsCases, the one runner).
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

/** Runs one case file through its rule, as `policies/<rule>/cases/<name>` relative to the repository, with the example catalog. */
export async function runCase(rule: Rule, c: RuleCase): Promise<Finding[]> {
  const findings = await checkText(rule, `policies/${rule.meta.id}/cases/${c.name}`, readFileSync(c.path, 'utf8'), {
    today: '2026-06-01',
    cwd: REPO_ROOT,
    get project() {
      return exampleCatalog();
    },
  });
  return findings;
}

/**
 * The one case runner (test/policies/meta.test.ts calls it for every rule in policies/index.ts):
 * the folder has ng and ok cases and no stray names; every `ng.*` case yields at least one finding of
 * the rule, every `ok.*` none; a rule reports only its own id; and the rule's `interest` prefilter
 * never hides a finding (the rule without it finds the same).
 */
export function itRunsCases(rule: Rule): void {
  const dir = join(ruleFolder(rule), 'cases');
  const id = rule.meta.id;
  it('has ng and ok cases, all named ng.* or ok.*', () => {
    const names = readdirSync(dir).sort();
    const cases = ruleCases(rule);
    expect(cases.some((c) => c.expect === 'ng' && /\.ya?ml$/.test(c.name)), 'at least one cases/ng.*.yaml').toBe(true);
    expect(cases.some((c) => c.expect === 'ok' && /\.ya?ml$/.test(c.name)), 'at least one cases/ok.*.yaml').toBe(true);
    expect(names.filter((n) => !/^(ng|ok)\.[\w.-]+\.(ya?ml|json)$/.test(n))).toEqual([]);
    // A rule that sees parsed documents would pass a Helm template or JSON case vacuously.
    if (rule.meta.scope !== 'file') {
      expect(cases.filter((c) => classifyFile(`cases/${c.name}`, readFileSync(c.path, 'utf8')) !== 'yaml').map((c) => c.name), 'cases the scanner does not parse as YAML').toEqual([]);
    }
  });
  it.each(ruleCases(rule).map((c) => [c.name, c] as const))('case %s', async (_name, c) => {
    const all = await runCase(rule, c);
    expect(all.filter((f) => f.ruleId !== id).map((f) => f.ruleId), `${c.name}: a rule reports its own id only`).toEqual([]);
    if (c.expect === 'ng') expect(all.length, `${c.name} must yield at least one ${id} finding`).toBeGreaterThan(0);
    else expect(all.map((f) => `${f.line}:${f.column} ${f.message}`), `${c.name} must yield no ${id} finding`).toEqual([]);
    if (rule.meta.interest !== undefined) {
      const unfiltered: Rule = { ...rule, meta: { ...rule.meta, interest: undefined } };
      expect(await runCase(unfiltered, c), `${c.name}: the interest prefilter must not hide a finding`).toEqual(all);
    }
  });
}
