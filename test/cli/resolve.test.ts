import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { editFile, expectNoStack } from '../support/edit';
import { exampleProject, REPO_ROOT } from '../support/tmp';

const resolve = (args: string[], cwd = REPO_ROOT) => runSecretops(['resolve', ...args], { cwd });
const TIERS = ['env-override', 'environment', 'shared', 'base'];
/** Platform-level keys of the example catalog, in catalog order. */
const EXAMPLE_KEY_COUNT = 34;

interface JsonCandidate {
  tier: string;
  sourceKey: string;
  location: string;
  found?: boolean;
}
interface JsonResolution {
  service: string;
  secret: string;
  key: string;
  required: boolean;
  winner: JsonCandidate | null;
  tried: JsonCandidate[];
}
interface JsonOutput {
  environment: string;
  alias?: string;
  resolutions: JsonResolution[];
}

async function json(env: string, extra: string[] = [], cwd = REPO_ROOT): Promise<JsonOutput> {
  const r = await resolve(['--env', env, '--format', 'json', ...extra], cwd);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as JsonOutput;
}

const find = (out: JsonOutput, service: string, key: string) => out.resolutions.find((r) => r.service === service && r.key === key)!;

describe('secretops resolve --format json', () => {
  it.each(['production', 'ai', 'dev', 'ai-staging'])('has the documented shape for %s, and every required key resolves', async (env) => {
    const out = await json(env);
    expect(Object.keys(out)).toEqual(env === 'ai-staging' ? ['environment', 'alias', 'resolutions'] : ['environment', 'resolutions']);
    expect(out.environment).toBe(env === 'ai-staging' ? 'ai' : env);
    expect(out.resolutions).toHaveLength(EXAMPLE_KEY_COUNT);
    for (const r of out.resolutions) {
      expect(Object.keys(r)).toEqual(['service', 'secret', 'key', 'required', 'winner', 'tried']);
      expect(r.tried.length).toBeGreaterThan(0);
      for (const c of r.tried) {
        expect(Object.keys(c)).toEqual(['tier', 'sourceKey', 'location', 'found']);
        expect(TIERS).toContain(c.tier);
      }
      if (r.winner) {
        expect(Object.keys(r.winner)).toEqual(['tier', 'sourceKey', 'location']);
        const first = r.tried.find((c) => c.found)!;
        expect(r.winner).toEqual({ tier: first.tier, sourceKey: first.sourceKey, location: first.location });
      } else {
        expect(r.required).toBe(false);
        expect(r.tried.every((c) => !c.found)).toBe(true);
      }
    }
  });

  it('shows each tier winning where the example makes it win', async () => {
    const [production, ai, dev] = [await json('production'), await json('ai'), await json('dev')];
    expect(find(ai, 'agents-runtime', 'CODEXK8S_API_TOKEN')).toEqual({
      service: 'agents-runtime',
      secret: 'agents-runtime-credentials',
      key: 'CODEXK8S_API_TOKEN',
      required: true,
      winner: { tier: 'env-override', sourceKey: 'CODEXK8S_API_TOKEN_AI', location: 'secret/ai/agents-runtime#CODEXK8S_API_TOKEN_AI' },
      tried: [
        { tier: 'env-override', sourceKey: 'CODEXK8S_API_TOKEN_AI', location: 'secret/ai/agents-runtime#CODEXK8S_API_TOKEN_AI', found: true },
        { tier: 'env-override', sourceKey: 'CODEXK8S_API_TOKEN_AI', location: 'secret/shared/agents-runtime#CODEXK8S_API_TOKEN_AI', found: false },
        { tier: 'environment', sourceKey: 'CODEXK8S_API_TOKEN', location: 'secret/ai/agents-runtime#CODEXK8S_API_TOKEN', found: false },
        { tier: 'shared', sourceKey: 'CODEXK8S_API_TOKEN', location: 'secret/shared/agents-runtime#CODEXK8S_API_TOKEN', found: false },
      ],
    });
    // The pattern excludes CODEXK8S_LOG_LEVEL by key and CODEXK8S_PUBLIC_ by prefix: their defaults win.
    expect(find(ai, 'agents-runtime', 'CODEXK8S_LOG_LEVEL').winner).toEqual({ tier: 'base', sourceKey: 'CODEXK8S_LOG_LEVEL', location: 'catalog:/spec/services/1/secrets/0/keys/2/default' });
    expect(find(ai, 'agents-runtime', 'CODEXK8S_PUBLIC_BASE_URL').tried.map((c) => c.tier)).toEqual(['environment', 'shared', 'base']);
    expect(find(ai, 'oauth2-proxy', 'OAUTH2_PROXY_COOKIE_SECRET').winner).toEqual({ tier: 'env-override', sourceKey: 'OAUTH2_PROXY_COOKIE_SECRET_AI', location: 'secret/shared/oauth2-proxy#OAUTH2_PROXY_COOKIE_SECRET_AI' });
    expect(find(dev, 'oauth2-proxy', 'OAUTH2_PROXY_COOKIE_SECRET').winner).toEqual({ tier: 'shared', sourceKey: 'OAUTH2_PROXY_COOKIE_SECRET', location: 'secret/shared/oauth2-proxy#OAUTH2_PROXY_COOKIE_SECRET' });
    expect(find(ai, 'agents', 'OPENAI_API_KEY').winner?.tier).toBe('shared');
    expect(find(production, 'agents', 'OPENAI_API_KEY').winner?.tier).toBe('environment');
    // dev's fixture gives DATABASE_POOL_SIZE its own value; production falls back to the catalog default.
    expect(find(dev, 'agents', 'DATABASE_POOL_SIZE').winner?.tier).toBe('environment');
    expect(find(production, 'agents', 'DATABASE_POOL_SIZE').winner?.tier).toBe('base');
    expect(find(production, 'agents', 'SENTRY_DSN')).toMatchObject({ required: false, winner: null });
  });

  it('an alias resolves exactly as its environment', async () => {
    const viaAlias = await json('ai-staging');
    expect(viaAlias.alias).toBe('ai-staging');
    expect(viaAlias.resolutions).toEqual((await json('ai')).resolutions);
  });

  it('narrows to one service', async () => {
    const out = await json('dev', ['--service', 'graph']);
    expect(out.resolutions.map((r) => `${r.service}/${r.key}`)).toEqual(['graph/NEO4J_USERNAME', 'graph/NEO4J_PASSWORD']);
  });
});

describe('secretops resolve (text)', () => {
  it.each(['production', 'ai', 'dev', 'ai-staging'])('prints a table of every key of %s that agrees with the JSON', async (env) => {
    const r = await resolve(['--env', env]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = await json(env);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(env === 'ai-staging' ? 'environment ai (alias ai-staging)' : `environment ${env}`);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['SERVICE', 'SECRET', 'KEY', 'TIER', 'SOURCE KEY', 'LOCATION', 'NOT FOUND BEFORE IT']);
    const rows = lines.slice(4).filter((l) => l !== '');
    expect(rows).toHaveLength(out.resolutions.length);
    rows.forEach((row, i) => {
      const res = out.resolutions[i]!;
      const cells = row.split(/\s{2,}/);
      expect(cells.slice(0, 3)).toEqual([res.service, res.secret, res.key + (res.required ? '' : ' (optional)')]);
      if (res.winner) {
        const before = res.tried.slice(0, res.tried.findIndex((c) => c.found));
        expect(cells.slice(3)).toEqual([res.winner.tier, res.winner.sourceKey, res.winner.location, before.map((c) => c.location).join(' > ') || '-']);
      } else {
        expect(cells.slice(3)).toEqual(['absent', '-', res.tried.map((c) => c.location).join(' > '), '-']);
      }
    });
  });

  it('reads as the chain up to the winner', async () => {
    const r = await resolve(['--env', 'ai', '--service', 'oauth2-proxy']);
    expect(r.stdout.split('\n')[4]!.split(/\s{2,}/)).toEqual([
      'oauth2-proxy',
      'oauth2-proxy-credentials',
      'GITHUB_OAUTH_CLIENT_ID',
      'env-override',
      'GITHUB_OAUTH_CLIENT_ID_AI',
      'secret/shared/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID_AI',
      'secret/ai/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID_AI',
    ]);
  });

  it('is byte-identical from one run to the next', async () => {
    const a = await resolve(['--env', 'dev']);
    const b = await resolve(['--env', 'dev']);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('secretops resolve failures', () => {
  it('exits 1 when a required key resolves nowhere, listing what it tried', async () => {
    const dir = exampleProject();
    editFile(dir, 'fixtures/dev.yaml', '      REDIS_URL: { generate: deterministic }\n', '');
    const text = await resolve(['--env', 'dev'], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^threads {2,}threads-credentials {2,}REDIS_URL {2,}UNRESOLVED {2,}- {2,}secret\/dev\/threads#REDIS_URL > secret\/shared\/threads#REDIS_URL {2,}-$/m);
    expect(text.stdout).toContain(
      '\n1 required key resolves nowhere:\n  threads/threads-credentials/REDIS_URL: tried environment secret/dev/threads#REDIS_URL, shared secret/shared/threads#REDIS_URL\n',
    );
    const asJson = await resolve(['--env', 'dev', '--format', 'json'], dir);
    expect(asJson.code).toBe(1);
    expect(find(JSON.parse(asJson.stdout), 'threads', 'REDIS_URL')).toMatchObject({ required: true, winner: null });
    // Other environments are unaffected.
    expect((await resolve(['--env', 'ai'], dir)).code).toBe(0);
  });

  it.each([
    [['--env', 'staging'], 'unknown environment "staging"', 'use one of: production, ai, dev, ai-staging'],
    [['--env', 'dev', '--service', 'nope'], 'unknown service "nope"', 'use one of: agents, agents-runtime, db-migrations, graph, platform, threads, transformation, workflows-runtime, pgadmin, minio, keycloak, oauth2-proxy'],
  ])('bad usage exits 2 (%j)', async (args, message, hint) => {
    const dir = exampleProject();
    const r = await resolve(args, dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`secretops: ${dir}/services.yaml: ${message}\n  hint: ${hint}\n`);
    expectNoStack(r);
  });

  it('without --env exits 2', async () => {
    const r = await resolve([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--env <environment>' not specified");
    expectNoStack(r);
  });

  it('an invalid catalog exits 1 with its diagnostics', async () => {
    const dir = exampleProject();
    editFile(dir, 'services.yaml', '      ai-staging: ai\n', '      ai-staging: staging\n');
    const r = await resolve(['--env', 'dev'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^secretops: .*services\.yaml:\d+:\d+ \/spec\/secretResolution\/environmentAliases\/ai-staging: alias "ai-staging" points at unknown environment "staging"\n/);
    expectNoStack(r);
  });
});
