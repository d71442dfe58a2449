import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { credentialKeyMatcher } from '../../lib/credential-like';
import { parseFile, readFileAs } from '../../lib/scan/parse';
import { checkText } from '../../lib/scan/run-rules';
import { RULES } from '../../policies';
import { renderRuleDocs, RULE_DOCS_PATH } from '../../scripts/generate-rule-docs';
import { exampleCatalog, itRunsCases, ruleCases, ruleFolder } from '../support/rule-cases';
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

  it('has its own test', () => {
    expect(readdirSync(dir).some((n) => n.endsWith('.test.ts'))).toBe(true);
  });

  itRunsCases(rule);

  it('reads ctx.today only in documents holding its readsTodayIn literal, and declares it when it does', async () => {
    const literal = rule.meta.readsTodayIn;
    if (literal !== undefined) expect(rule.meta.interest?.source, 'the interest cannot match without the literal').toContain(literal);
    for (const c of ruleCases(rule)) {
      const text = readFileSync(c.path, 'utf8');
      const read = readFileAs(`cases/${c.name}`, text);
      if (!read) continue;
      const file = { path: `cases/${c.name}`, kind: read.kind, text: read.text };
      const docs = read.kind === 'yaml' || read.kind === 'json' ? parseFile(file).docs : [];
      let reads = 0;
      const ctx = {
        isCredentialKey: credentialKeyMatcher(),
        cwd: REPO_ROOT,
        options: {},
        project: exampleCatalog(),
        get today() {
          reads++;
          return '2030-01-01';
        },
      };
      for (const d of docs) rule.checkDocument?.(d, ctx, () => {});
      rule.checkFile?.({ ...file, problems: [] }, ctx, () => {});
      await rule.checkProject?.(docs, ctx, () => {});
      if (reads > 0) expect(literal !== undefined && text.includes(literal), `${c.name}: read ctx.today; the rule must declare readsTodayIn, a literal of this case`).toBe(true);
    }
  });

  it('never throws on odd but valid documents (fuzz)', async () => {
    const kinds = ['Secret', 'SealedSecret', 'ExternalSecret', 'ClusterSecretStore', 'Deployment', 'Pod', 'CronJob', 'Application', 'Kustomization', 'List', 'ConfigMap', 'ScanConfig'];
    const odd = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 12 }), fc.boolean(), fc.constant([]), fc.constant({}));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, odd, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('metadata', 'spec', 'data', 'stringData', 'items', 'env', 'containers', 'template', 'annotations', 'name', 'value', 'password', 'secretKeyRef', 'allowlist'), tie('node'), { maxKeys: 4 })),
    })).node;
    const doc = fc.record({ apiVersion: fc.oneof(odd, fc.constantFrom('v1', 'apps/v1', 'external-secrets.io/v1', 'bitnami.com/v1alpha1', 'secretops.dev/v1alpha1')), kind: fc.oneof(odd, fc.constantFrom(...kinds)), metadata: value, spec: value, data: value, stringData: value, items: value }, { requiredKeys: ['kind'] });
    await fc.assert(
      fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 3 }), async (docs) => {
        const text = docs.map((d) => stringify(d)).join('---\n');
        await checkText(rule, 'fuzz.yaml', text, { today: '2026-06-01', get project() { return exampleCatalog(); } });
      }),
      { numRuns: 150 },
    );
  });
});
