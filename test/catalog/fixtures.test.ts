import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInventories, readFixtureFiles } from '../../lib/catalog/fixtures';
import { loadCatalog } from '../../lib/catalog/load';
import { appendFile } from '../support/edit';
import { exampleProject } from '../support/tmp';

function inventoriesOf(dir: string) {
  const { catalog } = loadCatalog(join(dir, 'services.yaml'));
  return buildInventories(catalog, readFixtureFiles(join(dir, 'fixtures')));
}

describe('inventories built from fixtures', () => {
  it('give non-production environments the shared entries, and production only its own names', () => {
    const inv = inventoriesOf(exampleProject());
    for (const env of ['ai', 'dev']) {
      expect(inv.get(env)!.get('shared/agents', 'OPENAI_API_KEY')).toMatchObject({ shared: true, spec: { generate: 'random', length: 48 } });
    }
    const production = inv.get('production')!;
    expect(production.production).toBe(true);
    expect(production.get('shared/agents', 'OPENAI_API_KEY')).toBeUndefined();
    expect(production.get('shared/oauth2-proxy', 'GITHUB_OAUTH_CLIENT_ID')).toMatchObject({ shared: false, spec: {} });
    expect(production.entries().every((e) => e.file.endsWith('production.yaml'))).toBe(true);
  });

  it("let an environment's own entry override a shared one for the same path and key", () => {
    const dir = exampleProject();
    appendFile(dir, 'fixtures/dev.yaml', '    shared/agents:\n      OPENAI_API_KEY: { generate: deterministic }\n');
    const inv = inventoriesOf(dir);
    expect(inv.get('dev')!.get('shared/agents', 'OPENAI_API_KEY')).toEqual({
      path: 'shared/agents',
      key: 'OPENAI_API_KEY',
      spec: { generate: 'deterministic' },
      file: join(dir, 'fixtures', 'dev.yaml'),
      pointer: '/spec/paths/shared~1agents/OPENAI_API_KEY',
      shared: false,
    });
    expect(inv.get('ai')!.get('shared/agents', 'OPENAI_API_KEY')).toMatchObject({ shared: true, spec: { generate: 'random' } });
  });

  it('list entries sorted by path, then key', () => {
    const entries = inventoriesOf(exampleProject()).get('dev')!.entries();
    const order = entries.map((e) => `${e.path}#${e.key}`);
    expect(order).toEqual([...order].sort((a, b) => a.split('#')[0]!.localeCompare(b.split('#')[0]!) || a.split('#')[1]!.localeCompare(b.split('#')[1]!)));
    expect(order).toContain('dev/agents#DATABASE_POOL_SIZE');
  });
});
