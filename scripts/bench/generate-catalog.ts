import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface GeneratedCatalogOptions {
  /** Environment-scoped services besides the oauth2-proxy singleton. @default 1000 */
  readonly services?: number;
  /** Slots of the `ai` environment. @default 3 */
  readonly slots?: number;
}

/**
 * Writes a synthetic project (services.yaml and fixtures/) into `dir`: `services` environment-scoped
 * services across production (cluster prod), ai (with slots) and dev (cluster nonprod), each with a
 * credentials secret (a Vault key and a base-value key) and an API-key secret; every fourth service
 * has an ingress. Deterministic: the same options give the same files.
 */
export function writeGeneratedProject(dir: string, opts: GeneratedCatalogOptions = {}): { servicesFile: string } {
  const n = opts.services ?? 1000;
  const slots = opts.slots ?? 3;
  const services: unknown[] = [];
  const paths: Record<string, Record<string, Record<string, Record<string, unknown>>>> = { production: {}, ai: {}, dev: {} };
  for (let i = 0; i < n; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    services.push({
      name,
      scope: 'environment',
      ...(i % 4 === 0 ? { ingress: { host: name, port: 8080 } } : {}),
      secrets: [
        { name: `${name}-db`, level: 'platform', keys: [{ name: 'DATABASE_URL' }, { name: 'DATABASE_POOL_SIZE', default: '10' }] },
        { name: `${name}-api`, level: 'platform', keys: [{ name: 'API_TOKEN' }, { name: 'WEBHOOK_SECRET' }] },
      ],
    });
    for (const env of ['production', 'ai', 'dev']) {
      const spec = env === 'production' ? {} : { generate: 'deterministic' };
      paths[env]![`${env}/${name}`] = { DATABASE_URL: spec, API_TOKEN: spec, WEBHOOK_SECRET: spec };
    }
  }
  services.push({
    name: 'oauth2-proxy',
    scope: 'infrastructure-singleton',
    namespace: 'platform',
    secrets: [{ name: 'oauth2-proxy-credentials', level: 'platform', keys: [{ name: 'OAUTH_CLIENT_ID' }, { name: 'OAUTH_CLIENT_SECRET' }, { name: 'OAUTH2_PROXY_COOKIE_SECRET' }] }],
  });
  const oauthKeys = ['OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET', 'OAUTH2_PROXY_COOKIE_SECRET'];
  paths.production!['shared/oauth2-proxy'] = Object.fromEntries(oauthKeys.map((k) => [k, {}]));
  const shared = { 'shared/oauth2-proxy': Object.fromEntries(oauthKeys.flatMap((k) => [[k, { generate: 'deterministic' }], [`${k}_AI`, { generate: 'deterministic' }]])) };

  const catalog = {
    apiVersion: 'secretops.dev/v1alpha1',
    kind: 'ServiceCatalog',
    metadata: { name: 'bench' },
    spec: {
      vault: { server: 'http://vault.vault.svc:8200', namespace: 'vault', kvMount: 'secret', authMount: 'kubernetes', store: 'bench-vault' },
      // Production reaches Vault over TLS: validate refuses plain HTTP for a production-tier cluster.
      clusters: [{ name: 'prod', ingress: 'nginx', vaultServer: 'https://vault.vault.svc:8200' }, { name: 'nonprod', ingress: 'traefik' }],
      environments: [
        { name: 'production', tier: 'production', cluster: 'prod', domain: 'bench.io' },
        { name: 'ai', tier: 'ephemeral', cluster: 'nonprod', slots, domain: 'ai.bench.dev' },
        { name: 'dev', tier: 'dev', cluster: 'nonprod', domain: 'dev.bench.dev' },
      ],
      secretResolution: { keyOverrides: Object.fromEntries(oauthKeys.map((k) => [k, { overrideKeys: { ai: `${k}_AI` } }])) },
      github: { repository: 'bench/bench' },
      services,
    },
  };
  mkdirSync(join(dir, 'fixtures'), { recursive: true });
  const servicesFile = join(dir, 'services.yaml');
  // No anchors/aliases for repeated objects: a hand-written catalog has none, and resolving thousands is slow.
  const yaml = (value: unknown) => stringify(value, { aliasDuplicateObjects: false });
  writeFileSync(servicesFile, yaml(catalog));
  const fixture = (name: string, kind: string, p: unknown) => writeFileSync(join(dir, 'fixtures', `${name}.yaml`), yaml({ apiVersion: 'secretops.dev/v1alpha1', kind, metadata: { name }, spec: { paths: p } }));
  fixture('production', 'VaultInventory', paths.production);
  fixture('ai', 'VaultFixtures', paths.ai);
  fixture('dev', 'VaultFixtures', paths.dev);
  fixture('shared', 'VaultFixtures', shared);
  return { servicesFile };
}
