import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { insertFixtureEntries } from '../../lib/catalog/fixture-edit';

const GEN = '{ generate: deterministic }';
const head = 'apiVersion: secretops.dev/v1alpha1\nkind: VaultFixtures\nmetadata:\n  name: dev\nspec:\n';
const pathsOf = (text: string) => (parse(text) as { spec: { paths: unknown } }).spec.paths;

/** The new text minus the inserted lines is the old text: nothing existing moved or changed. */
function expectOnlyInserted(before: string, after: string, inserted: readonly string[]): void {
  const eol = before.includes('\r\n') ? '\r\n' : '\n';
  const lines = after.split(eol);
  for (const line of inserted) {
    const i = lines.indexOf(line);
    expect(i, `inserted line ${JSON.stringify(line)}`).toBeGreaterThanOrEqual(0);
    lines.splice(i, 1);
  }
  expect(lines.join(eol)).toBe(before);
}

describe('insertFixtureEntries', () => {
  it('adds a key after the last key of its path, keeping 4-space indentation, CRLF, comments and compact flow maps', () => {
    const before = [
      'apiVersion: secretops.dev/v1alpha1',
      'kind: VaultFixtures',
      'metadata:',
      '    name: dev',
      'spec:',
      '    paths:',
      '        # the agents API',
      '        dev/agents:',
      '            DATABASE_URL: {generate: deterministic}   # rotated weekly',
      "            POOL: {value: '5'}",
      '        dev/threads:',
      '            REDIS_URL: {generate: random}',
      '# end of file',
      '',
    ].join('\r\n');
    const after = insertFixtureEntries(before, [{ path: 'dev/agents', key: 'OPENAI_API_KEY', spec: GEN }]);
    expectOnlyInserted(before, after, [`            OPENAI_API_KEY: ${GEN}`]);
    expect(after.split('\r\n')[10]).toBe(`            OPENAI_API_KEY: ${GEN}`);
    expect(pathsOf(after)).toEqual({
      'dev/agents': { DATABASE_URL: { generate: 'deterministic' }, POOL: { value: '5' }, OPENAI_API_KEY: { generate: 'deterministic' } },
      'dev/threads': { REDIS_URL: { generate: 'random' } },
    });
  });

  it('adds a new path after the last one, before trailing comments', () => {
    const before = `${head}  paths:\n    dev/agents:\n      A: ${GEN}\n# trailing\n`;
    const after = insertFixtureEntries(before, [
      { path: 'dev/billing', key: 'STRIPE_API_KEY', spec: GEN },
      { path: 'dev/billing', key: 'WEBHOOK_SECRET', spec: GEN },
    ]);
    expect(after).toBe(`${head}  paths:\n    dev/agents:\n      A: ${GEN}\n    dev/billing:\n      STRIPE_API_KEY: ${GEN}\n      WEBHOOK_SECRET: ${GEN}\n# trailing\n`);
  });

  it.each([
    ['paths: {}', `${head}  paths: {}\n`],
    ['paths: (empty)', `${head}  paths:\n`],
    ['paths: null', `${head}  paths: null\n`],
  ])('opens a block under %s', (_what, before) => {
    const after = insertFixtureEntries(before, [{ path: 'dev/a', key: 'K', spec: '{}' }]);
    expect(after).toBe(`${head}  paths:\n    dev/a:\n      K: {}\n`);
  });

  it('opens a block under an empty path', () => {
    const before = `${head}  paths:\n    dev/a: {}\n    dev/b:\n      X: ${GEN}\n`;
    expect(insertFixtureEntries(before, [{ path: 'dev/a', key: 'K', spec: GEN }])).toBe(`${head}  paths:\n    dev/a:\n      K: ${GEN}\n    dev/b:\n      X: ${GEN}\n`);
  });

  it('stays in flow style inside a flow map', () => {
    const before = `${head}  paths:\n    dev/a: { X: {} }\n`;
    const after = insertFixtureEntries(before, [{ path: 'dev/a', key: 'K', spec: '{}' }]);
    expect(after).toBe(`${head}  paths:\n    dev/a: { X: {}, K: {} }\n`);
  });

  it('quotes a key that would not read back as the same string, and copes with no final newline', () => {
    const before = `${head}  paths:\n    dev/a:\n      X: ${GEN}`;
    const after = insertFixtureEntries(before, [{ path: 'dev/a', key: 'null', spec: GEN }]);
    expect(after).toBe(`${before}\n      "null": ${GEN}\n`);
    expect(pathsOf(after)).toEqual({ 'dev/a': { X: { generate: 'deterministic' }, null: { generate: 'deterministic' } } });
  });

  it('leaves entries that exist alone', () => {
    const before = `${head}  paths:\n    dev/a:\n      X: ${GEN}\n`;
    expect(insertFixtureEntries(before, [{ path: 'dev/a', key: 'X', spec: '{}' }])).toBe(before);
  });
});
