import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { buildPolicyReport, ScanSummaryInput } from '../../lib/report/report';
import { reportToMarkdown, GITHUB_COMMENT_LIMIT, STICKY_MARKER } from '../../lib/report/format/markdown';
import { reportToHtml } from '../../lib/report/format/html';
import { reportToJson } from '../../lib/report/format/json';
import { twoCommitRepo } from './repo';

/** What the scanner said about the working tree: one rule failing, one allowlist entry near expiry. */
const scanned: ScanSummaryInput = {
  rules: [{ id: 'no-inline-secret' }, { id: 'fixture-drift' }, { id: 'no-sealed-secret' }],
  findings: [
    { ruleId: 'fixture-drift', severity: 'warning' },
    { ruleId: 'no-sealed-secret', severity: 'error' },
  ],
  suppressions: [
    { kind: 'allowlist', rules: ['no-inline-secret'], reason: 'demo credentials for the local kind cluster', file: 'secretops.config.yaml', line: 4, path: 'examples/demo-secret.yaml', expires: '2026-12-01' },
    { kind: 'inline', rules: ['no-inline-secret'], reason: 'public test fixture', file: 'k8s/demo.yaml', line: 7, object: { kind: 'Secret', namespace: 'demo', name: 'demo' } },
  ],
};

describe('the policy report over a two-commit repository', async () => {
  const repo = twoCommitRepo();
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const model = await buildPolicyReport({ cwd: repo, base: 'HEAD', scan: async () => scanned, today: '2026-11-23' });

  it('summarises every guardrail with counts', () => {
    expect(model.summary.rules).toEqual([
      { ruleId: 'no-inline-secret', status: 'pass', errors: 0, warnings: 0 },
      { ruleId: 'fixture-drift', status: 'warn', errors: 0, warnings: 1 },
      { ruleId: 'no-sealed-secret', status: 'fail', errors: 1, warnings: 0 },
    ]);
    expect(model.summary.passed).toBe(false);
    expect(model.head.problems).toEqual([]);
  });

  it('lists the new service keys per environment', () => {
    const added = model.changes.keys.filter((k) => k.change === 'added');
    expect(added.map((k) => `${k.environment}/${k.service}/${k.key}`).sort()).toEqual(['ai/billing/STRIPE_API_KEY', 'dev/billing/STRIPE_API_KEY', 'production/billing/STRIPE_API_KEY']);
    expect(added.find((k) => k.environment === 'dev')!.after).toEqual({ tier: 'environment', sourceKey: 'STRIPE_API_KEY', location: 'secret/dev/billing#STRIPE_API_KEY' });
  });

  it('calls out the silent fallback from env-override to shared', () => {
    const fb = model.changes.keys.filter((k) => k.fallback);
    expect(fb).toEqual([
      {
        change: 'changed',
        environment: 'ai',
        service: 'oauth2-proxy',
        secret: 'oauth2-proxy-credentials',
        key: 'GITHUB_OAUTH_CLIENT_ID',
        before: { tier: 'env-override', sourceKey: 'GITHUB_OAUTH_CLIENT_ID_AI', location: 'secret/shared/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID_AI' },
        after: { tier: 'shared', sourceKey: 'GITHUB_OAUTH_CLIENT_ID', location: 'secret/shared/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID' },
        tierChanged: true,
        fallback: true,
      },
    ]);
    expect(model.summary.fallbacks).toBe(1);
  });

  it('lists manifest changes per cluster and slot, and only real ones', () => {
    const line = (o: (typeof model.changes.objects)[number]) => `${o.change} ${o.category} ${o.cluster}/${o.instance} ${o.kind} ${o.namespace}/${o.name}`;
    const lines = model.changes.objects.map(line);
    expect(lines).toContain('added ExternalSecret nonprod/dev ExternalSecret dev/billing-credentials');
    expect(lines).toContain('added ExternalSecret nonprod/ai-slot-2 ExternalSecret ai-slot-2/billing-credentials');
    expect(lines).toContain('added ExternalSecret prod/production ExternalSecret production/billing-credentials');
    const dev = model.changes.objects.find((o) => o.name === 'billing-credentials' && o.instance === 'dev')!;
    expect(dev.details).toContain('+ STRIPE_API_KEY <- dev/billing#STRIPE_API_KEY');
    const ai = model.changes.objects.find((o) => o.kind === 'ExternalSecret' && o.name === 'oauth2-proxy-credentials-ai')!;
    expect(ai).toMatchObject({ change: 'changed', category: 'ExternalSecret', cluster: 'nonprod' });
    expect(ai.details).toEqual(['- GITHUB_OAUTH_CLIENT_ID <- shared/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID_AI', '+ GITHUB_OAUTH_CLIENT_ID <- shared/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID']);
    // Objects whose only difference is the catalog index in their provenance are not changes.
    expect(lines.filter((l) => l.includes('agents-db-credentials'))).toEqual([]);
    // Protected AI ingresses now log in with the production-named client: a real change, named.
    const ingress = model.changes.objects.find((o) => o.kind === 'Ingress' && o.instance === 'ai-slot-1' && o.name === 'agents')!;
    expect(ingress).toMatchObject({ change: 'changed', category: 'ingress', details: ['annotations changed: secretops.dev/oauth-client'] });
    expect(model.changes.objects.filter((o) => o.kind === 'Ingress' && o.instance === 'dev')).toEqual([]);
  });

  it('reports fixture coverage and orphans per non-production environment', () => {
    const dev = model.fixtures.find((f) => f.environment === 'dev')!;
    expect(dev.covered).toBe(dev.referenced);
    expect(dev.orphans).toEqual(['secret/dev/legacy#OLD_TOKEN']);
    // The ai client id fixture is shared and now referenced by no environment.
    const shared = model.fixtures.find((f) => f.environment.startsWith('shared'))!;
    expect(shared.orphans).toEqual(['secret/shared/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID_AI']);
    expect(model.fixtures.find((f) => f.environment === 'ai')!.orphans).toEqual([]);
    expect(model.fixtures.map((f) => f.environment)).toEqual(['ai', 'dev', 'shared (all non-production)']);
  });

  it('lists exceptions with expiry, soonest first', () => {
    expect(model.exceptions[0]).toMatchObject({ type: 'allowlist', where: 'examples/demo-secret.yaml', expires: '2026-12-01', daysLeft: 8, expiringSoon: true, expired: false });
    expect(model.exceptions[1]).toMatchObject({ type: 'inline', where: 'k8s/demo.yaml:7', object: 'Secret demo/demo', expiringSoon: false });
  });

  it('has an ownership row for every platform key in every environment', () => {
    const row = model.ownership.find((o) => o.environment === 'production' && o.key === 'STRIPE_API_KEY')!;
    expect(row).toEqual({ service: 'billing', environment: 'production', secret: 'billing-credentials', key: 'STRIPE_API_KEY', store: 'ameide-vault-production', path: 'production/billing', property: 'STRIPE_API_KEY', tier: 'environment' });
    expect(model.ownership.find((o) => o.key === 'DATABASE_POOL_SIZE' && o.environment === 'ai')).toMatchObject({ store: 'ConfigMap', tier: 'base' });
  });

  it('renders Markdown for a pull-request comment with every section', () => {
    const md = reportToMarkdown(model);
    expect(md.startsWith(STICKY_MARKER)).toBe(true);
    expect(md).toMatch(/❌ \*\*Guardrails fail\*\* · 3 keys added · 0 removed · 1 re-resolved · ⚠️ 1 fallback/);
    expect(md).toMatch(/### ⚠️ Silent fallbacks \(review first\)/);
    expect(md).toMatch(/\| ai \| oauth2-proxy \| oauth2-proxy-credentials \| `GITHUB_OAUTH_CLIENT_ID` \| changed ⚠️ fallback \| env-override `secret\/shared\/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID_AI` \| shared `secret\/shared\/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID` \|/);
    expect(md).toMatch(/\| dev \| \d+\/\d+ \|  \| `secret\/dev\/legacy#OLD_TOKEN` \|/);
    expect(md).toMatch(/⚠️ 1 exception expires within 14 days/);
    expect(md).toMatch(/2026-12-01 ⚠️ 8 days left/);
    expect(md).toMatch(/<summary>Ownership matrix \(\d+ keys\)<\/summary>/);
  });

  it('renders the same content as one self-contained HTML page and as JSON', () => {
    const html = reportToHtml(model);
    for (const id of ['summary', 'changes', 'ownership', 'fixtures', 'exceptions']) expect(html).toContain(`<section id="${id}">`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain('GITHUB_OAUTH_CLIENT_ID_AI');
    const json = JSON.parse(reportToJson(model));
    expect(json.version).toBe(1);
    expect(json.changes.keys).toHaveLength(model.changes.keys.length);
  });

  it('is deterministic', async () => {
    const again = await buildPolicyReport({ cwd: repo, base: 'HEAD', scan: async () => scanned, today: '2026-11-23' });
    expect(reportToJson(again)).toBe(reportToJson(model));
    expect(reportToMarkdown(again)).toBe(reportToMarkdown(model));
  });

  it('keeps Markdown under the comment limit, saying what it left out', () => {
    const big = { ...model, ownership: Array.from({ length: 12_000 }, (_, i) => ({ ...model.ownership[0]!, service: `svc-${i}` })) };
    const md = reportToMarkdown(big);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/more rows not shown here: see the HTML or JSON report/);
    expect(md).toMatch(/### Silent fallbacks|### ⚠️ Silent fallbacks/);
  });
});
