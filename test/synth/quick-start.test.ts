import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoBin } from '../support/cdk8s-cli';
import { exampleProject, REPO_ROOT, tempDir } from '../support/tmp';

/** README's quick-start synth command, as a new user copies it. */
function quickStartSynth(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const line = /^npm ci && (npx cdk8s synth[^#\n]*?)\s*(?:#.*)?$/m.exec(readme);
  expect(line, 'README quick start names `npm ci && npx cdk8s synth ...`').not.toBeNull();
  return line![1]!.trim().split(/\s+/).slice(2);
}

describe("README's quick-start synth", () => {
  it('skips the cdk8s CLI upgrade check, so offline it prints no stack trace', () => {
    const args = quickStartSynth();
    expect(args.slice(0, 1)).toEqual(['synth']);
    const project = exampleProject();
    writeFileSync(join(project, 'cdk8s.yaml'), `language: typescript\napp: ${repoBin('tsx')} ${join(REPO_ROOT, 'main.ts')}\noutput: dist\n`);
    // An empty HOME has no upgrade-check cache: without the flag the CLI would ask the registry.
    const home = tempDir();
    const r = spawnSync(repoBin('cdk8s'), args, { cwd: project, encoding: 'utf8', env: { ...process.env, HOME: home } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(home, '.cdk8s-cli.version'))).toBe(false);
    expect(existsSync(join(project, 'dist', '_argocd', 'argocd-cm.yaml'))).toBe(true);
  }, 120_000);
});
