import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, twoCommitRepo } from './repo';
import { runSecretops } from '../support/cli';
import { REPO_ROOT } from '../support/tmp';

/** The CLI end to end on a repository whose second commit changes secrets, with the real scanner. */
describe('secretops report', () => {
  let repo: string;
  beforeAll(() => {
    repo = twoCommitRepo();
    // An inline suppression with a reason, for the exceptions section.
    mkdirSync(join(repo, 'k8s'));
    writeFileSync(
      join(repo, 'k8s', 'demo.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: demo\n  annotations:\n    secretops.dev/ignore: "no-inline-secret -- public demo data"\ndata:\n  greeting: hello\n',
    );
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'add billing, drop the ai client id override');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('prints Markdown comparing HEAD~1 with the working tree', async () => {
    const r = await runSecretops(['report', '--base', 'HEAD~1', '--today', '2026-11-23'], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<!-- secretops-report -->\n## secretops policy report/);
    expect(r.stdout).toMatch(/3 keys added · 0 removed · 1 re-resolved · ⚠️ 1 fallback/);
    expect(r.stdout).toMatch(/### Guardrails\n\n\| rule \| result \| errors \| warnings \|/);
    expect(r.stdout).toMatch(/\| `parse-error` \| ✅ pass \| 0 \| 0 \|/);
    expect(r.stdout).toMatch(/`examples\/demo-secret.yaml` \| demo credentials for the local kind cluster \| 2026-12-01 ⚠️ 8 days left/);
  });

  it('run in a subfolder, it finds services.yaml upward to the git root as the other commands do', async () => {
    const args = ['report', '--base', 'HEAD~1', '--format', 'json', '--today', '2026-11-23'];
    const fromRoot = await runSecretops(args, { cwd: repo });
    const fromSub = await runSecretops(args, { cwd: join(repo, 'k8s') });
    expect(fromSub.stderr).toBe('');
    expect(fromSub.code).toBe(0);
    expect(JSON.parse(fromSub.stdout)).toEqual(JSON.parse(fromRoot.stdout));
    expect(fromSub.stdout).toContain('billing-credentials');
  });

  it('with --cache, its guardrail scan uses the scan cache and the report is the same', async () => {
    const args = ['report', '--base', 'HEAD~1', '--format', 'json', '--today', '2026-11-23'];
    const plain = await runSecretops(args, { cwd: repo });
    const cache = join(repo, '..', `${repo.split('/').pop()}-report-cache`);
    const cold = await runSecretops([...args, '--cache-location', cache], { cwd: repo });
    expect(existsSync(cache)).toBe(true);
    const warm = await runSecretops([...args, '--cache', '--cache-location', cache], { cwd: repo });
    for (const r of [cold, warm]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(plain.stdout);
    }
    rmSync(cache, { force: true });
  });

  it('writes JSON and HTML with --out, atomically and deterministically', async () => {
    const a = await runSecretops(['report', '--base', 'HEAD~1', '--format', 'json', '--out', 'out/report.json', '--today', '2026-11-23'], { cwd: repo });
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/wrote the json report to out\/report.json/);
    const first = readFileSync(join(repo, 'out', 'report.json'), 'utf8');
    const model = JSON.parse(first);
    expect(model.base.label).toBe('HEAD~1');
    expect(model.summary.fallbacks).toBe(1);
    expect(model.exceptions.map((e: { type: string }) => e.type)).toContain('inline');
    await runSecretops(['report', '--base', 'HEAD~1', '--format', 'json', '--out', 'out/report.json', '--today', '2026-11-23'], { cwd: repo });
    expect(readFileSync(join(repo, 'out', 'report.json'), 'utf8')).toBe(first);
    const h = await runSecretops(['report', '--base', 'HEAD~1', '--format', 'html', '--out', 'out/report.html'], { cwd: repo });
    expect(h.code).toBe(0);
    expect(readFileSync(join(repo, 'out', 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    rmSync(join(repo, 'out'), { recursive: true });
  });

  it('leaves the checkout and the index untouched', async () => {
    writeFileSync(join(repo, 'scratch.txt'), 'uncommitted');
    const before = git(repo, 'status', '--porcelain');
    await runSecretops(['report', '--base', 'HEAD~1', '--format', 'json'], { cwd: repo });
    expect(git(repo, 'status', '--porcelain')).toBe(before);
    rmSync(join(repo, 'scratch.txt'));
  });

  it('refuses a bad base or format with a usage error', async () => {
    const r = await runSecretops(['report', '--base', 'no-such-ref'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/git rev-parse failed/);
    const f = await runSecretops(['report', '--format', 'pdf'], { cwd: repo });
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--format must be one of markdown, html, json/);
  });

  it('reports on this repository against its own HEAD', async () => {
    const r = await runSecretops(['report', '--base', 'HEAD', '--format', 'json'], { cwd: REPO_ROOT });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).head.problems).toEqual([]);
  });
});

describe('the HTML report in headless Chromium', () => {
  // scripts/test-prerequisites.mjs installs Chromium before the suite runs: never skipped.
  const chromium = '/usr/bin/chromium';
  it('shows every section and sorts a table on click', async () => {
    const repo = twoCommitRepo();
    try {
      const out = join(REPO_ROOT, 'test-results');
      mkdirSync(out, { recursive: true });
      const r = await runSecretops(['report', '--base', 'HEAD', '--format', 'html', '--out', join(out, 'report.html'), '--today', '2026-11-23'], { cwd: repo });
      expect(r.code).toBe(0);
      const { chromium: pw } = await import('playwright-core');
      const browser = await pw.launch({
        executablePath: chromium,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      try {
        const page = await browser.newPage();
        const failed: string[] = [];
        page.on('requestfailed', (req) => failed.push(req.url()));
        await page.goto(`file://${join(out, 'report.html')}`);
        for (const id of ['summary', 'changes', 'ownership', 'fixtures', 'exceptions']) {
          expect(await page.locator(`section#${id} h2`).isVisible()).toBe(true);
        }
        expect(await page.locator('.verdict').textContent()).toMatch(/1 fallbacks/);
        // Sort the ownership matrix by key, descending after two clicks.
        const header = page.locator('table#ownership th', { hasText: 'key' });
        await header.click();
        await header.click();
        expect(await header.getAttribute('aria-sort')).toBe('descending');
        const keys = await page.locator('table#ownership tbody tr td:nth-child(4)').allTextContents();
        expect(keys).toEqual([...keys].sort((a, b) => b.localeCompare(a)));
        await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
        expect(existsSync(join(out, 'report.png'))).toBe(true);
        expect(failed).toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
