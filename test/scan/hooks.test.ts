import { runSecretops } from '../support/cli';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scanDirectory } from '../support/scan';
import { REPO_ROOT } from '../support/tmp';

const read = (path: string) => parse(readFileSync(join(REPO_ROOT, path), 'utf8'));

describe('pre-commit and CI wiring', () => {
  it('.pre-commit-hooks.yaml scans the files pre-commit passes, with the whole repository as cross-file context', () => {
    const hooks = read('.pre-commit-hooks.yaml') as Record<string, unknown>[];
    expect(hooks).toEqual([
      expect.objectContaining({ id: 'secretops-scan', entry: 'secretops scan --context-dir .', language: 'node', pass_filenames: true, require_serial: true }),
      expect.objectContaining({ id: 'secretops-scan-installed', language: 'system', pass_filenames: true, require_serial: true }),
    ]);
    // The installed hook runs the repository's own copy and never asks a registry for it by name.
    const installed = String(hooks[1]!.entry);
    expect(installed).toContain('node_modules/.bin/secretops');
    expect(installed).toContain('scan --context-dir .');
    expect(installed).toContain('run npm ci');
    expect(installed).not.toMatch(/\bnpx\b|npm exec/);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin.secretops).toBe('bin/secretops.js');
  });

  it('package.json builds at install and runs nothing when packed (pre-commit reads the tarball name from npm pack)', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    for (const script of ['prepare', 'prepack', 'postpack']) expect(pkg.scripts[script], script).toBeUndefined();
    expect(pkg.scripts.postinstall).toBe('node scripts/build-checkout.cjs');
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/', 'build/', 'policies/', 'scripts/build-checkout.cjs']));
  });

  it('the workflow installs, synthesizes, checks drift, scans to SARIF and uploads it', () => {
    const wf = read('.github/workflows/secretops.yml');
    expect(wf.permissions['security-events']).toBe('write');
    const steps = wf.jobs.guardrails.steps as { run?: string; uses?: string; with?: Record<string, string> }[];
    const runs = steps.map((s) => s.run ?? s.uses ?? '').join('\n');
    const order = ['npm ci', 'npx cdk8s synth', 'git diff --exit-code', 'secretops validate', 'secretops scan --cache --format sarif > secretops.sarif', 'github/codeql-action/upload-sarif'];
    // The scan cache is restored before the scan (a later run checks only changed files).
    const restore = steps.findIndex((s) => s.uses?.startsWith('actions/cache') && s.with?.path === '.cache/secretops');
    expect(restore).toBeGreaterThan(0);
    expect(restore).toBeLessThan(steps.findIndex((s) => s.run?.includes('secretops scan --cache')));
    const at = order.map((needle) => runs.indexOf(needle));
    expect(at.every((i) => i >= 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!.with!.sarif_file).toBe('secretops.sarif');
  });

  it('the workflow posts the policy report as one sticky comment and uploads the HTML', () => {
    const wf = read('.github/workflows/secretops.yml');
    expect(wf.permissions['pull-requests']).toBe('write');
    const steps = wf.jobs.guardrails.steps as { run?: string; uses?: string; with?: Record<string, string> }[];
    expect(steps[0]!.with!['fetch-depth']).toBe(0);
    const runs = steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/secretops report --base "origin\/\$\{\{ github.base_ref \}\}" --format markdown --out secretops-report.md/);
    expect(runs).toMatch(/--format html --out secretops-report.html/);
    const comment = steps.find((s) => s.uses?.startsWith('actions/github-script'))!;
    // The marker the Markdown report starts with is what finds the comment to update.
    expect(comment.with!.script).toContain("'<!-- secretops-report -->'");
    expect(comment.with!.script).toMatch(/updateComment[\s\S]*createComment/);
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!.path).toBe('secretops-report.html');
  });
});

describe('this repository', () => {
  it('scans clean with its own configuration and catalog, dist/ included', async () => {
    // As the pre-commit hook and CI run it: the CLI path, which loads services.yaml for the catalog-aware rules.
    const r = await runSecretops(['scan', '--format', 'json'], { cwd: REPO_ROOT });
    const result = JSON.parse(r.stdout);
    expect(result.findings).toEqual([]);
    expect(r.code).toBe(0);
    expect(result.stats.files).toBeGreaterThan(5);
    expect(result.rules.map((x: { id: string }) => x.id)).toContain('dist-drift');
  });

  it('has deliberately bad rule cases that the default configuration would report', async () => {
    const result = await scanDirectory(join(REPO_ROOT, 'policies', 'parse-error', 'cases'));
    expect(result.findings.length).toBeGreaterThan(0);
  });
});
