import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProject, validateProject } from '../../lib/project/load';
import type { Project } from '../../lib/project/load';
import { loadMiniProject, MINI_PROJECT, scanFiles } from '../../test/support/scan-files';
import { tempDir } from '../../test/support/tmp';
import { fixtureDrift as rule } from './index';

let project: Project;
beforeAll(() => {
  project = loadMiniProject();
});

const es = (name: string, ns: string, reads: [string, string][], annotations = '') =>
  [
    'apiVersion: external-secrets.io/v1',
    'kind: ExternalSecret',
    `metadata: {name: ${name}, namespace: ${ns}${annotations ? `, annotations: {${annotations}}` : ''}}`,
    'spec:',
    '  secretStoreRef: {kind: ClusterSecretStore, name: mini-vault}',
    `  target: {name: ${name}}`,
    '  data:',
    ...reads.map(([key, property]) => `    - {secretKey: ${property}, remoteRef: {key: ${key}, property: ${property}}}`),
  ].join('\n') + '\n';

describe('fixture-drift', () => {

  it('names the environment and Vault location of a read without a fixture', async () => {
    const f = await scanFiles(rule, { 'es.yaml': es('api', 'ai-slot-1', [['ai/api', 'DATABASE_URL'], ['ai/api', 'REDIS_URL']]) }, { project });
    const errors = f.filter((x) => x.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'es.yaml', line: 9, pointer: '/spec/data/1/remoteRef/property' });
    expect(errors[0]!.message).toBe('ExternalSecret "ai-slot-1/api" reads kv/ai/api#REDIS_URL, which the fixtures of environment "ai" do not define');
  });

  it('warns about an unread key on a path a scanned ExternalSecret reads, at its line in the fixture file', async () => {
    const f = await scanFiles(rule, { 'dev.yaml': es('web', 'dev', [['dev/api', 'DATABASE_URL']]) }, { project, cwd: MINI_PROJECT });
    expect(f).toEqual([]);
    const text = es('api', 'ai-slot-1', [['ai/api', 'DATABASE_URL']]) + '---\n' + es('web', 'dev', [['dev/web', 'OTHER']]);
    const partial = await scanFiles(rule, { 'x.yaml': text }, { project, cwd: MINI_PROJECT });
    expect(partial.map((x) => [x.severity, x.file, x.line, x.message])).toEqual([
      ['warning', 'fixtures/dev.yaml', 10, 'fixture kv/dev/web#SESSION_SECRET is read by no scanned ExternalSecret of environment "dev"'],
      ['error', 'x.yaml', 17, 'ExternalSecret "dev/web" reads kv/dev/web#OTHER, which the fixtures of environment "dev" do not define'],
    ]);
  });

  it('warns about every unread entry of a scanned environment only when the scan covers dist/', async () => {
    const files = { 'dist/nonprod/dev/api/es.yaml': es('api', 'dev', [['dev/api', 'DATABASE_URL']]) };
    expect(await scanFiles(rule, files, { project, cwd: MINI_PROJECT, roots: ['dist/nonprod/dev/api'] })).toEqual([]);
    expect(await scanFiles(rule, files, { project, cwd: MINI_PROJECT })).toEqual([]);
    const whole = await scanFiles(rule, files, { project, cwd: MINI_PROJECT, roots: ['.'] });
    expect(whole.map((x) => [x.severity, x.file, x.line, x.message])).toEqual([
      ['warning', 'fixtures/dev.yaml', 10, 'fixture kv/dev/web#SESSION_SECRET is read by no scanned ExternalSecret of environment "dev"'],
    ]);
  });

  it('reports a shared fixture only when every non-production environment was scanned as a whole', async () => {
    const dev = es('api', 'dev', [['dev/api', 'DATABASE_URL'], ['dev/web', 'SESSION_SECRET'], ['shared/oauth2-proxy', 'GITHUB_OAUTH_CLIENT_ID']]);
    const ai = es('api', 'ai-slot-1', [['ai/api', 'DATABASE_URL'], ['ai/web', 'SESSION_SECRET']]);
    expect(await scanFiles(rule, { 'dist/dev.yaml': dev }, { project, cwd: MINI_PROJECT, roots: ['dist'] })).toEqual([]);
    expect(await scanFiles(rule, { 'dist/dev.yaml': dev, 'dist/ai.yaml': ai }, { project, cwd: MINI_PROJECT })).toEqual([]);
    const both = await scanFiles(rule, { 'dist/dev.yaml': dev, 'dist/ai.yaml': ai }, { project, cwd: MINI_PROJECT, roots: ['dist'] });
    expect(both.map((x) => [x.severity, x.file, x.message])).toEqual([
      ['warning', 'fixtures/shared.yaml', 'fixture kv/shared/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID_AI is read by no scanned ExternalSecret of any non-production environment'],
    ]);
  });

  it('uses the scanned fixture document when the fixture file is part of the scan (so suppressions apply)', async () => {
    const fixtures = readFileSync(join(MINI_PROJECT, 'fixtures', 'dev.yaml'), 'utf8');
    const reads = es('api', 'dev', [['dev/api', 'DATABASE_URL']]);
    const f = await scanFiles(rule, { 'fixtures/dev.yaml': fixtures, 'dist/dev.yaml': reads }, { project, cwd: MINI_PROJECT, roots: ['.'] });
    expect(f).toMatchObject([{ file: 'fixtures/dev.yaml', line: 10, pointer: '/spec/paths/dev~1web/SESSION_SECRET', severity: 'warning' }]);
    const suppressed = fixtures.replace('  name: dev\n', '  name: dev\n  annotations:\n    secretops.dev/ignore: "fixture-drift -- seeded for a manual test"\n');
    expect(await scanFiles(rule, { 'fixtures/dev.yaml': suppressed, 'dist/dev.yaml': reads }, { project, cwd: MINI_PROJECT, roots: ['.'] })).toEqual([]);
  });

  it('reports a production inventory entry that holds a value, in the fixture file', async () => {
    const dir = tempDir();
    cpSync(MINI_PROJECT, dir, { recursive: true });
    const inv = join(dir, 'fixtures', 'production.yaml');
    writeFileSync(inv, readFileSync(inv, 'utf8').replace('DATABASE_URL: {}', 'DATABASE_URL: { value: "postgres://prod" }'));
    // The loader refuses such a project; the engine scans with what validateProject returns.
    expect(() => loadProject({ servicesFile: join(dir, 'services.yaml') })).toThrow();
    const broken = validateProject({ servicesFile: join(dir, 'services.yaml') }).project!;
    // Checked when the scan holds ExternalSecrets (the catalog is not loaded for unrelated scans).
    expect(await scanFiles(rule, {}, { project: broken, cwd: dir })).toEqual([]);
    const f = await scanFiles(rule, { 'es.yaml': es('api', 'production', [['production/api', 'DATABASE_URL']]) }, { project: broken, cwd: dir });
    expect(f.map((x) => [x.severity, x.file, x.line, x.message])).toEqual([
      ['error', 'fixtures/production.yaml', 8, 'production inventory entry production/api#DATABASE_URL holds a value; production inventories list key names only'],
    ]);
    expect(f[0]!.message).not.toContain('postgres');
    // Scanned as a document too, the entry is reported once, on the document.
    const both = await scanFiles(rule, { [relative(dir, inv)]: readFileSync(inv, 'utf8') }, { project: broken, cwd: dir });
    expect(both).toHaveLength(1);
    expect(both[0]!.pointer).toBe('/spec/paths/production~1api/DATABASE_URL/value');
  });

  it('without a catalog still refuses a scanned VaultInventory with a generator', async () => {
    const doc = 'apiVersion: secretops.dev/v1alpha1\nkind: VaultInventory\nmetadata: {name: production}\nspec:\n  paths:\n    production/api:\n      DATABASE_URL: {generate: random}\n';
    const f = await scanFiles(rule, { 'inv.yaml': doc });
    expect(f.map((x) => x.message)).toEqual(['production inventory entry production/api#DATABASE_URL holds a generator; production inventories list key names only']);
  });

  it('skips templated remote keys', async () => {
    expect(await scanFiles(rule, { 'es.yaml': es('api', 'ai-slot-1', [['"{{ .Values.path }}"', 'X']]) }, { project })).toEqual([]);
  });
});
