import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { appendFile, editFile, expectNoStack } from '../support/edit';
import { exampleProject } from '../support/tmp';

const scaffold = (dir: string, ...args: string[]) => runSecretops(['fixtures', 'scaffold', ...args], { cwd: dir });
const FIXTURE_FILES = ['ai.yaml', 'dev.yaml', 'production.yaml', 'shared.yaml'];

/** A new environment-scoped service (one key overridden in ai by the pattern) and a new singleton. */
const NEW_SERVICES = [
  '    - name: billing',
  '      scope: environment',
  '      secrets:',
  '        - name: billing-credentials',
  '          level: platform',
  '          keys:',
  '            - name: STRIPE_API_KEY',
  '            - name: CODEXK8S_BILLING_TOKEN',
  '            - name: BILLING_CURRENCY',
  '              default: EUR',
  '            - name: BILLING_SENTRY_DSN',
  '              optional: true',
  '    - name: egress-proxy',
  '      scope: infrastructure-singleton',
  '      secrets:',
  '        - name: egress-proxy-credentials',
  '          level: platform',
  '          keys:',
  '            - name: PROXY_AUTH_TOKEN',
  '',
].join('\n');

function readFixtures(dir: string): Record<string, string> {
  const folder = join(dir, 'fixtures');
  return Object.fromEntries(readdirSync(folder).sort().map((f) => [f, readFileSync(join(folder, f), 'utf8')]));
}

describe('secretops fixtures scaffold', () => {
  it('adds exactly the missing entries: deterministic for non-production, names for production', async () => {
    const dir = exampleProject();
    appendFile(dir, 'services.yaml', NEW_SERVICES);
    const before = readFixtures(dir);
    const r = await scaffold(dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'added production.yaml: production/billing#STRIPE_API_KEY (name only)',
        'added production.yaml: production/billing#CODEXK8S_BILLING_TOKEN (name only)',
        'added production.yaml: shared/egress-proxy#PROXY_AUTH_TOKEN (name only)',
        'added ai.yaml: ai/billing#STRIPE_API_KEY (generate: deterministic)',
        'added ai.yaml: ai/billing#CODEXK8S_BILLING_TOKEN_AI (generate: deterministic)',
        'added shared.yaml: shared/egress-proxy#PROXY_AUTH_TOKEN (generate: deterministic)',
        'added dev.yaml: dev/billing#STRIPE_API_KEY (generate: deterministic)',
        'added dev.yaml: dev/billing#CODEXK8S_BILLING_TOKEN (generate: deterministic)',
        '8 added, 0 orphans',
        '',
      ].join('\n'),
    );
    // Existing entries and comments stay byte for byte: each file is its old text plus new lines.
    const after = readFixtures(dir);
    expect(Object.keys(after)).toEqual(FIXTURE_FILES);
    expect(after['production.yaml']).toBe(
      before['production.yaml'] +
        '    production/billing:\n      STRIPE_API_KEY: {}\n      CODEXK8S_BILLING_TOKEN: {}\n    shared/egress-proxy:\n      PROXY_AUTH_TOKEN: {}\n',
    );
    expect(after['ai.yaml']).toBe(
      before['ai.yaml'] + '    ai/billing:\n      STRIPE_API_KEY: { generate: deterministic }\n      CODEXK8S_BILLING_TOKEN_AI: { generate: deterministic }\n',
    );
    expect(after['dev.yaml']).toBe(
      before['dev.yaml'] + '    dev/billing:\n      STRIPE_API_KEY: { generate: deterministic }\n      CODEXK8S_BILLING_TOKEN: { generate: deterministic }\n',
    );
    expect(after['shared.yaml']).toBe(before['shared.yaml'] + '    shared/egress-proxy:\n      PROXY_AUTH_TOKEN: { generate: deterministic }\n');

    const valid = await runSecretops(['validate'], { cwd: dir });
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);
  });

  it('is idempotent: a second run adds nothing and changes no byte', async () => {
    const dir = exampleProject();
    appendFile(dir, 'services.yaml', NEW_SERVICES);
    await scaffold(dir);
    const once = readFixtures(dir);
    const again = await scaffold(dir);
    expect(again.stdout).toBe('0 added, 0 orphans\n');
    expect(again.code).toBe(0);
    expect(readFixtures(dir)).toEqual(once);
  });

  it('adds nothing to the example, which is complete', async () => {
    const dir = exampleProject();
    const before = readFixtures(dir);
    const r = await scaffold(dir);
    expect(r.stdout).toBe('0 added, 0 orphans\n');
    expect(readFixtures(dir)).toEqual(before);
  });

  it('lists orphans and keeps them', async () => {
    const dir = exampleProject();
    editFile(
      dir,
      'services.yaml',
      '    - name: graph\n      scope: environment\n      secrets:\n        - name: graph-db-credentials\n          level: platform\n          keys:\n            - name: NEO4J_USERNAME\n              default: neo4j\n            - name: NEO4J_PASSWORD\n',
      '',
    );
    const before = readFixtures(dir);
    const r = await scaffold(dir);
    expect(r.stdout).toBe(
      [
        'orphan ai.yaml: ai/graph#NEO4J_PASSWORD (no environment resolves to it)',
        'orphan dev.yaml: dev/graph#NEO4J_PASSWORD (no environment resolves to it)',
        'orphan production.yaml: production/graph#NEO4J_PASSWORD (no environment resolves to it)',
        '0 added, 3 orphans',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    expect(readFixtures(dir)).toEqual(before);
  });

  it('--dry-run prints what it would add and writes nothing', async () => {
    const dir = exampleProject();
    appendFile(dir, 'services.yaml', NEW_SERVICES);
    rmSync(join(dir, 'fixtures', 'dev.yaml'));
    const before = readFixtures(dir);
    const r = await scaffold(dir, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^would add production\.yaml: production\/billing#STRIPE_API_KEY \(name only\)\n/);
    expect(r.stdout).toContain('would add dev.yaml: dev/agents#DATABASE_URL (generate: deterministic)\n');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('26 would add, 0 orphans');
    expect(readFixtures(dir)).toEqual(before);
    expect(existsSync(join(dir, 'fixtures', 'dev.yaml'))).toBe(false);
  });

  it('recreates a missing fixture file as the example has it', async () => {
    const dir = exampleProject();
    const original = readFileSync(join(dir, 'fixtures', 'ai.yaml'), 'utf8');
    rmSync(join(dir, 'fixtures', 'ai.yaml'));
    const r = await scaffold(dir);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('18 added, 0 orphans');
    expect(readFileSync(join(dir, 'fixtures', 'ai.yaml'), 'utf8')).toBe(original);
  });

  it('scaffolds a project without fixtures into one that validates', async () => {
    const dir = exampleProject();
    rmSync(join(dir, 'fixtures'), { recursive: true });
    expect((await scaffold(dir)).code).toBe(0);
    expect(readdirSync(join(dir, 'fixtures')).sort()).toEqual(FIXTURE_FILES);
    expect(readFileSync(join(dir, 'fixtures', 'production.yaml'), 'utf8')).not.toMatch(/generate:|value:/);
    const valid = await runSecretops(['validate'], { cwd: dir });
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);
    expect((await scaffold(dir)).stdout).toBe('0 added, 0 orphans\n');
  });

  it('edits an existing .yml file in place rather than creating a second file', async () => {
    const dir = exampleProject();
    appendFile(dir, 'services.yaml', NEW_SERVICES);
    renameSync(join(dir, 'fixtures', 'dev.yaml'), join(dir, 'fixtures', 'dev.yml'));
    const r = await scaffold(dir);
    expect(r.stdout).toContain('added dev.yml: dev/billing#STRIPE_API_KEY (generate: deterministic)\n');
    expect(existsSync(join(dir, 'fixtures', 'dev.yaml'))).toBe(false);
    expect((await runSecretops(['validate'], { cwd: dir })).code).toBe(0);
  });

  it('refuses fixtures whose file names do not match, rather than writing a second file', async () => {
    const dir = exampleProject();
    appendFile(dir, 'services.yaml', NEW_SERVICES);
    renameSync(join(dir, 'fixtures', 'dev.yaml'), join(dir, 'fixtures', 'development.yaml'));
    const before = readFixtures(dir);
    const r = await scaffold(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/development\.yaml:\d+:\d+ \/metadata\/name: fixture file declares name "dev" but is not named dev\.yaml\n/);
    expectNoStack(r);
    expect(readFixtures(dir)).toEqual(before);
  });

  it('refuses an invalid catalog with its diagnostics and writes nothing', async () => {
    const dir = exampleProject();
    appendFile(dir, 'services.yaml', NEW_SERVICES);
    editFile(dir, 'services.yaml', '      tier: dev\n', '      tier: development\n');
    const before = readFixtures(dir);
    const r = await scaffold(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/services\.yaml:\d+:\d+ \/spec\/environments\/2\/tier: must be one of/);
    expectNoStack(r);
    expect(readFixtures(dir)).toEqual(before);
  });
});
