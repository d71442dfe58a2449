import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { REPO_ROOT } from '../support/tmp';

export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });

export function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const p = join(dir, file);
  const before = readFileSync(p, 'utf8');
  const after = before.replace(from, to);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  writeFileSync(p, after);
}

/**
 * A repository with two commits: the example catalog, then a change that adds a service, removes
 * the ai override of the OAuth client id (a silent fallback), orphans a fixture and adds an
 * allowlist exception that expires soon.
 */
export function twoCommitRepo(): string {
  // Not a tempDir(): suites build the repository once and remove it themselves.
  const dir = mkdtempSync(join(tmpdir(), 'secretops-report-repo-'));
  cpSync(join(REPO_ROOT, 'services.yaml'), join(dir, 'services.yaml'));
  cpSync(join(REPO_ROOT, 'fixtures'), join(dir, 'fixtures'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'example catalog');
  // A new service with one platform secret.
  edit(dir, 'services.yaml', '    - name: oauth2-proxy\n', `    - name: billing
      scope: environment
      secrets:
        - name: billing-credentials
          level: platform
          keys:
            - name: STRIPE_API_KEY
    - name: oauth2-proxy
`);
  for (const env of ['dev', 'ai']) {
    edit(dir, `fixtures/${env}.yaml`, '  paths:\n', `  paths:\n    ${env}/billing:\n      STRIPE_API_KEY: { generate: deterministic }\n`);
  }
  edit(dir, 'fixtures/production.yaml', '  paths:\n', '  paths:\n    production/billing:\n      STRIPE_API_KEY: {}\n');
  // Remove the ai override of the client id: ai now falls back to the shared production-named key.
  edit(dir, 'services.yaml', /      GITHUB_OAUTH_CLIENT_ID:\n        overrideKeys: \{ ai: GITHUB_OAUTH_CLIENT_ID_AI \}\n/, '');
  // A dev fixture nobody references any more.
  edit(dir, 'fixtures/dev.yaml', '  paths:\n', '  paths:\n    dev/legacy:\n      OLD_TOKEN: { generate: deterministic }\n');
  writeFileSync(
    join(dir, 'secretops.config.yaml'),
    `apiVersion: secretops.dev/v1alpha1
kind: ScanConfig
allowlist:
  - path: "examples/demo-secret.yaml"
    rule: no-inline-secret
    reason: demo credentials for the local kind cluster
    expires: "2026-12-01"
`,
  );
  return dir;
}
