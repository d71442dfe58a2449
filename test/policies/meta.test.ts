import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../policies';
import { renderRuleDocs, RULE_DOCS_PATH } from '../../scripts/generate-rule-docs';
import { ruleCases, ruleFolder, runCase } from '../support/rule-cases';
import { REPO_ROOT } from '../support/tmp';

/** What every rule must have, checked over policies/ so a new rule cannot skip any of it. */
describe('policies/', () => {
  it('lists every rule folder exactly once, with unique ids', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    const folders = readdirSync(join(REPO_ROOT, 'policies'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(REPO_ROOT, 'policies', d.name, 'index.ts')))
      .map((d) => d.name)
      .sort();
    expect([...ids].sort(), 'every policies/<rule>/ must be listed in policies/index.ts').toEqual(folders);
  });

  it('keeps docs/rules.md in step with the rule metadata (run `npm run docs:rules`)', () => {
    expect(readFileSync(join(REPO_ROOT, RULE_DOCS_PATH), 'utf8')).toBe(renderRuleDocs(RULES));
  });
});

describe.each(RULES.map((r) => [r.meta.id, r] as const))('rule %s', (id, rule) => {
  const dir = ruleFolder(rule);

  it('has a kebab-case id, its folder, README and docs path', () => {
    expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(rule.meta.docs).toBe(`policies/${id}/README.md`);
    expect(existsSync(join(dir, 'README.md'))).toBe(true);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(new RegExp(`^# ${id}\\n`));
  });

  it('has a one-line description and a remediation that is a full sentence', () => {
    expect(rule.meta.description).not.toMatch(/\n/);
    expect(rule.meta.description.length).toBeGreaterThan(10);
    expect(rule.meta.remediation).toMatch(/^[A-Z`].*[.!]$/s);
    expect(rule.meta.remediation.split(/\s+/).length).toBeGreaterThanOrEqual(6);
  });

  it('has its own test and both kinds of case', () => {
    expect(readdirSync(dir).some((n) => n.endsWith('.test.ts'))).toBe(true);
    const cases = ruleCases(rule);
    expect(cases.some((c) => c.expect === 'ng' && /\.ya?ml$/.test(c.name)), 'at least one cases/ng.*.yaml').toBe(true);
    expect(cases.some((c) => c.expect === 'ok' && /\.ya?ml$/.test(c.name)), 'at least one cases/ok.*.yaml').toBe(true);
  });

  it.each(ruleCases(rule).map((c) => [c.name, c] as const))('case %s', async (_name, c) => {
    const findings = await runCase(rule, c);
    if (c.expect === 'ng') expect(findings.length, `${c.name} must yield at least one ${id} finding`).toBeGreaterThan(0);
    else expect(findings.map((f) => `${f.line}:${f.column} ${f.message}`), `${c.name} must yield no ${id} finding`).toEqual([]);
  });
});
