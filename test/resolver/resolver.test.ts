import { describe, expect, it } from 'vitest';
import { isUserError, UserError } from '../../lib/errors';
import { unresolvedDiagnostics } from '../../lib/resolver/resolver';
import { resolverWith, service, testCatalog } from '../support/catalog';

const AI_OVERRIDES = {
  keyOverrides: { GITHUB_OAUTH_CLIENT_ID: { overrideKeys: { ai: 'GITHUB_OAUTH_CLIENT_ID_AI' } } },
  patterns: [
    {
      sourcePrefix: 'CODEXK8S_',
      excludeKeys: ['CODEXK8S_LOG_LEVEL'],
      excludePrefixes: ['CODEXK8S_PUBLIC_'],
      environments: ['ai'],
      overrideTemplate: '{key}_AI',
    },
  ],
};

const catalog = testCatalog({
  secretResolution: { environmentAliases: { 'ai-staging': 'ai' }, ...AI_OVERRIDES },
  services: [
    service('runtime', [
      { name: 'CODEXK8S_API_TOKEN' },
      { name: 'CODEXK8S_LOG_LEVEL', default: 'info' },
      { name: 'CODEXK8S_PUBLIC_BASE_URL', default: 'https://runtime.example.io' },
      { name: 'GITHUB_OAUTH_CLIENT_ID' },
      { name: 'SENTRY_DSN', optional: true },
    ]),
  ],
});

const req = (key: string, environment = 'ai') => ({ environment, service: 'runtime', secret: 'runtime-credentials', key });
const summary = (c: { tier: string; location: string; found: boolean }) => `${c.tier} ${c.location}${c.found ? ' found' : ''}`;

describe('tier 1: env-override', () => {
  it('through keyOverrides, at the environment path first', () => {
    const r = resolverWith(catalog, { ai: ['ai/runtime#GITHUB_OAUTH_CLIENT_ID_AI', 'shared/runtime#GITHUB_OAUTH_CLIENT_ID_AI', 'ai/runtime#GITHUB_OAUTH_CLIENT_ID'] });
    const res = r.resolveKey(req('GITHUB_OAUTH_CLIENT_ID'));
    expect(res.tried.map(summary)).toEqual([
      'env-override secret/ai/runtime#GITHUB_OAUTH_CLIENT_ID_AI found',
      'env-override secret/shared/runtime#GITHUB_OAUTH_CLIENT_ID_AI found',
      'environment secret/ai/runtime#GITHUB_OAUTH_CLIENT_ID found',
      'shared secret/shared/runtime#GITHUB_OAUTH_CLIENT_ID',
    ]);
    expect(res.winner).toEqual({
      tier: 'env-override',
      sourceKey: 'GITHUB_OAUTH_CLIENT_ID_AI',
      location: 'secret/ai/runtime#GITHUB_OAUTH_CLIENT_ID_AI',
      vault: { path: 'ai/runtime', property: 'GITHUB_OAUTH_CLIENT_ID_AI' },
      found: true,
    });
    expect(res.overrideRule).toBe('keyOverrides');
  });

  it('through keyOverrides, then at the shared path', () => {
    const r = resolverWith(catalog, { ai: ['shared/runtime#GITHUB_OAUTH_CLIENT_ID_AI', 'ai/runtime#GITHUB_OAUTH_CLIENT_ID'] });
    expect(r.resolveKey(req('GITHUB_OAUTH_CLIENT_ID')).winner?.location).toBe('secret/shared/runtime#GITHUB_OAUTH_CLIENT_ID_AI');
  });

  it('through a pattern', () => {
    const r = resolverWith(catalog, { ai: ['ai/runtime#CODEXK8S_API_TOKEN_AI', 'ai/runtime#CODEXK8S_API_TOKEN'] });
    const res = r.resolveKey(req('CODEXK8S_API_TOKEN'));
    expect(res.winner?.sourceKey).toBe('CODEXK8S_API_TOKEN_AI');
    expect(res.winner?.tier).toBe('env-override');
    expect(res.overrideRule).toBe('patterns[0]');
  });

  it('only in the environments the override names', () => {
    const r = resolverWith(catalog, { dev: ['dev/runtime#CODEXK8S_API_TOKEN_AI', 'dev/runtime#CODEXK8S_API_TOKEN'] });
    const res = r.resolveKey(req('CODEXK8S_API_TOKEN', 'dev'));
    expect(res.tried.map(summary)).toEqual(['environment secret/dev/runtime#CODEXK8S_API_TOKEN found', 'shared secret/shared/runtime#CODEXK8S_API_TOKEN']);
    expect(res.overrideRule).toBeUndefined();
  });

  it('keyOverrides before patterns, and the first matching pattern', () => {
    const c = testCatalog({
      secretResolution: {
        keyOverrides: { CODEXK8S_API_TOKEN: { overrideKeys: { ai: 'EXPLICIT_TOKEN' } } },
        patterns: [
          { sourcePrefix: 'CODEXK8S_', environments: ['ai'], overrideTemplate: 'FIRST_{name}' },
          { sourcePrefix: 'CODEXK8S_', environments: ['ai'], overrideTemplate: 'SECOND_{name}' },
        ],
      },
      services: [service('runtime', [{ name: 'CODEXK8S_API_TOKEN' }, { name: 'CODEXK8S_WEBHOOK_SECRET' }])],
    });
    const r = resolverWith(c, {});
    expect(r.resolveKey(req('CODEXK8S_API_TOKEN')).tried[0]!.sourceKey).toBe('EXPLICIT_TOKEN');
    const second = r.resolveKey(req('CODEXK8S_WEBHOOK_SECRET'));
    expect(second.tried[0]!.sourceKey).toBe('FIRST_WEBHOOK_SECRET');
    expect(second.overrideRule).toBe('patterns[0]');
  });

  it.each([
    ['by key', 'CODEXK8S_LOG_LEVEL'],
    ['by prefix', 'CODEXK8S_PUBLIC_BASE_URL'],
  ])('excluded %s: no override candidate', (_how, key) => {
    const r = resolverWith(catalog, { ai: [`ai/runtime#${key}_AI`] });
    const res = r.resolveKey(req(key));
    expect(res.tried.map((c) => c.tier)).toEqual(['environment', 'shared', 'base']);
    expect(res.winner?.tier).toBe('base');
  });

  it.each([
    ['{key}_AI', 'CODEXK8S_API_TOKEN_AI'],
    ['{prefix}{ENV}_{name}', 'CODEXK8S_AI_PREVIEW_API_TOKEN'],
    ['{name}', 'API_TOKEN'],
    ['OVERRIDE_{key}', 'OVERRIDE_CODEXK8S_API_TOKEN'],
    ['{ENV}__{name}__{prefix}', 'AI_PREVIEW__API_TOKEN__CODEXK8S_'],
  ])('template %s', (overrideTemplate, expected) => {
    const c = testCatalog({
      environments: [{ name: 'ai-preview', tier: 'ephemeral', cluster: 'nonprod', domain: 'ai.example.dev' }],
      secretResolution: { patterns: [{ sourcePrefix: 'CODEXK8S_', environments: ['ai-preview'], overrideTemplate }] },
      services: [service('runtime', [{ name: 'CODEXK8S_API_TOKEN' }])],
    });
    const res = resolverWith(c, { 'ai-preview': [`ai-preview/runtime#${expected}`] }).resolveKey(req('CODEXK8S_API_TOKEN', 'ai-preview'));
    expect(res.winner?.sourceKey).toBe(expected);
    expect(res.winner?.tier).toBe('env-override');
  });
});

describe('tiers 2 to 4', () => {
  it('environment: the key at the environment path beats the shared path', () => {
    const r = resolverWith(catalog, { dev: ['dev/runtime#CODEXK8S_API_TOKEN', 'shared/runtime#CODEXK8S_API_TOKEN'] });
    expect(r.resolveKey(req('CODEXK8S_API_TOKEN', 'dev')).winner?.location).toBe('secret/dev/runtime#CODEXK8S_API_TOKEN');
  });

  it('shared: the key at the shared path', () => {
    const r = resolverWith(catalog, { dev: ['shared/runtime#CODEXK8S_API_TOKEN'] });
    const res = r.resolveKey(req('CODEXK8S_API_TOKEN', 'dev'));
    expect(res.winner).toMatchObject({ tier: 'shared', sourceKey: 'CODEXK8S_API_TOKEN', location: 'secret/shared/runtime#CODEXK8S_API_TOKEN' });
  });

  it('base: the catalog default, last, pointing at the catalog', () => {
    const res = resolverWith(catalog, {}).resolveKey(req('CODEXK8S_LOG_LEVEL', 'dev'));
    expect(res.tried.map(summary)).toEqual([
      'environment secret/dev/runtime#CODEXK8S_LOG_LEVEL',
      'shared secret/shared/runtime#CODEXK8S_LOG_LEVEL',
      'base catalog:/spec/services/0/secrets/0/keys/1/default found',
    ]);
    expect(res.winner).toEqual({ tier: 'base', sourceKey: 'CODEXK8S_LOG_LEVEL', location: 'catalog:/spec/services/0/secrets/0/keys/1/default', found: true });
  });

  it('a Vault entry beats the default', () => {
    const res = resolverWith(catalog, { dev: ['dev/runtime#CODEXK8S_LOG_LEVEL'] }).resolveKey(req('CODEXK8S_LOG_LEVEL', 'dev'));
    expect(res.winner?.tier).toBe('environment');
  });

  it('follows a configured path layout, without repeating a candidate when both paths are one', () => {
    const c = testCatalog({ paths: { environment: '{cluster}/{environment}/{service}', shared: '{cluster}/{service}' }, services: catalog.spec.services });
    const res = resolverWith(c, { dev: ['nonprod/runtime#CODEXK8S_API_TOKEN'] }).resolveKey(req('CODEXK8S_API_TOKEN', 'dev'));
    expect(res.tried.map(summary)).toEqual(['environment secret/nonprod/dev/runtime#CODEXK8S_API_TOKEN', 'shared secret/nonprod/runtime#CODEXK8S_API_TOKEN found']);
    const same = testCatalog({ paths: { environment: 'all/{service}', shared: 'all/{service}' }, services: catalog.spec.services });
    expect(resolverWith(same, {}).resolveKey(req('CODEXK8S_API_TOKEN', 'dev')).tried.map(summary)).toEqual(['environment secret/all/runtime#CODEXK8S_API_TOKEN']);
  });

  it('production sees only its own inventory', () => {
    const r = resolverWith(catalog, { dev: ['production/runtime#CODEXK8S_API_TOKEN'], production: [] });
    expect(r.resolveKey(req('CODEXK8S_API_TOKEN', 'production')).winner).toBeNull();
  });
});

describe('aliases', () => {
  it('resolve exactly as their environment, recording the alias', () => {
    const r = resolverWith(catalog, { ai: ['ai/runtime#CODEXK8S_API_TOKEN_AI'] });
    const viaAlias = r.resolveKey(req('CODEXK8S_API_TOKEN', 'ai-staging'));
    const direct = r.resolveKey(req('CODEXK8S_API_TOKEN', 'ai'));
    expect(viaAlias.environment).toBe('ai');
    expect(viaAlias.alias).toBe('ai-staging');
    expect(direct.alias).toBeUndefined();
    expect(viaAlias.tried).toEqual(direct.tried);
    expect(viaAlias.winner).toEqual(direct.winner);
  });

  it('may name the environment in keyOverrides and patterns; {ENV} renders the environment', () => {
    const c = testCatalog({
      secretResolution: {
        environmentAliases: { 'ai-staging': 'ai' },
        keyOverrides: { GITHUB_OAUTH_CLIENT_ID: { overrideKeys: { 'ai-staging': 'ID_FOR_AI' } } },
        patterns: [{ sourcePrefix: 'CODEXK8S_', environments: ['ai-staging'], overrideTemplate: '{key}_{ENV}' }],
      },
      services: catalog.spec.services,
    });
    const r = resolverWith(c, {});
    expect(r.resolveKey(req('GITHUB_OAUTH_CLIENT_ID')).tried[0]!.sourceKey).toBe('ID_FOR_AI');
    expect(r.resolveKey(req('CODEXK8S_API_TOKEN', 'ai-staging')).tried[0]!.sourceKey).toBe('CODEXK8S_API_TOKEN_AI');
    expect(r.targetKeyName('ai', 'CODEXK8S_API_TOKEN')).toEqual({ key: 'CODEXK8S_API_TOKEN_AI', tier: 'env-override', rule: 'patterns[0]' });
  });

  it("prefer the environment's own name over an alias in keyOverrides", () => {
    const c = testCatalog({
      secretResolution: {
        environmentAliases: { 'ai-staging': 'ai' },
        keyOverrides: { GITHUB_OAUTH_CLIENT_ID: { overrideKeys: { 'ai-staging': 'BY_ALIAS', ai: 'BY_NAME' } } },
      },
      services: catalog.spec.services,
    });
    expect(resolverWith(c, {}).resolveKey(req('GITHUB_OAUTH_CLIENT_ID', 'ai-staging')).tried[0]!.sourceKey).toBe('BY_NAME');
  });
});

describe('required and optional keys', () => {
  it('an optional key that resolves nowhere is absent, not an error', () => {
    const res = resolverWith(catalog, {}).resolveKey(req('SENTRY_DSN', 'dev'));
    expect(res.required).toBe(false);
    expect(res.winner).toBeNull();
    expect(unresolvedDiagnostics([res])).toEqual([]);
  });

  it('a required key that resolves nowhere is an error listing every candidate', () => {
    const res = resolverWith(catalog, {}).resolveKey(req('GITHUB_OAUTH_CLIENT_ID', 'ai-staging'));
    expect(res.winner).toBeNull();
    expect(unresolvedDiagnostics([res])).toEqual([
      {
        pointer: '/spec/services/0/secrets/0/keys/3',
        message:
          'ai: key "GITHUB_OAUTH_CLIENT_ID" of secret "runtime-credentials" (service "runtime") resolves nowhere; tried env-override secret/ai/runtime#GITHUB_OAUTH_CLIENT_ID_AI, env-override secret/shared/runtime#GITHUB_OAUTH_CLIENT_ID_AI, environment secret/ai/runtime#GITHUB_OAUTH_CLIENT_ID, shared secret/shared/runtime#GITHUB_OAUTH_CLIENT_ID',
        hint: 'add the key to the fixtures or inventory of this environment (`secretops fixtures scaffold`), mark it optional, or give a non-secret default',
      },
    ]);
  });
});

describe('resolveEnvironment', () => {
  const levels = testCatalog({
    services: [
      {
        name: 'app',
        scope: 'environment',
        secrets: [
          { name: 'app-vault', level: 'platform', keys: [{ name: 'A' }, { name: 'B', optional: true }] },
          { name: 'app-ci', level: 'project', keys: [{ name: 'DEPLOY_TOKEN' }] },
          { name: 'app-user', level: 'user', keys: [{ name: 'PERSONAL_TOKEN' }] },
        ],
      },
      service('other', [{ name: 'C', default: 'x' }]),
    ],
  });

  it('resolves every platform key in catalog order, never project or user keys', () => {
    const res = resolverWith(levels, {}).resolveEnvironment('dev');
    expect(res.map((r) => `${r.service}/${r.secret}/${r.key}`)).toEqual(['app/app-vault/A', 'app/app-vault/B', 'other/other-credentials/C']);
  });

  it('narrows to one service', () => {
    expect(resolverWith(levels, {}).resolveEnvironment('dev', { service: 'other' }).map((r) => r.key)).toEqual(['C']);
  });

  it.each([
    [() => resolverWith(levels, {}).resolveEnvironment('staging'), 'unknown environment "staging"', 'use one of: production, ai, dev'],
    [() => resolverWith(levels, {}).resolveEnvironment('dev', { service: 'nope' }), 'unknown service "nope"', 'use one of: app, other'],
    [() => resolverWith(levels, {}).resolveKey({ environment: 'dev', service: 'app', secret: 'nope', key: 'A' }), 'service "app" has no secret "nope"', 'use one of: app-vault, app-ci, app-user'],
    [() => resolverWith(levels, {}).resolveKey({ environment: 'dev', service: 'app', secret: 'app-vault', key: 'Z' }), 'secret "app-vault" has no key "Z"', 'use one of: A, B'],
    [() => resolverWith(levels, {}).resolveKey({ environment: 'constructor', service: 'app', secret: 'app-vault', key: 'A' }), 'unknown environment "constructor"', 'use one of: production, ai, dev'],
  ])('unknown names are user errors (%#)', (call, message, hint) => {
    let caught: unknown;
    try {
      call();
    } catch (err) {
      caught = err;
    }
    expect(isUserError(caught)).toBe(true);
    expect((caught as UserError).diagnostics).toEqual([{ message, hint }]);
  });
});
