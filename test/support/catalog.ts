import { createInventory, Inventory, InventoryEntry } from '../../lib/catalog/fixtures';
import type { EnvironmentSpec, KeySpec, SecretResolutionSpec, ServiceCatalog, ServiceSpec, VaultPathLayout } from '../../lib/catalog/types';
import { Resolver } from '../../lib/resolver/resolver';

/** A small in-memory catalog for unit tests: what a test does not say takes the example's values. */
export function testCatalog(opts: {
  environments?: readonly EnvironmentSpec[];
  services?: readonly ServiceSpec[];
  secretResolution?: SecretResolutionSpec;
  paths?: Partial<VaultPathLayout>;
}): ServiceCatalog {
  return {
    apiVersion: 'secretops.dev/v1alpha1',
    kind: 'ServiceCatalog',
    metadata: { name: 'test' },
    spec: {
      vault: { server: 'http://vault:8200', namespace: 'vault', kvMount: 'secret', authMount: 'kubernetes', store: 'vault', ...(opts.paths ? { paths: opts.paths } : {}) },
      environments: opts.environments ?? [
        { name: 'production', tier: 'production', cluster: 'prod', domain: 'example.io' },
        { name: 'ai', tier: 'ephemeral', cluster: 'nonprod', domain: 'ai.example.dev', slots: 2 },
        { name: 'dev', tier: 'dev', cluster: 'nonprod', domain: 'dev.example.dev' },
      ],
      ...(opts.secretResolution ? { secretResolution: opts.secretResolution } : {}),
      services: opts.services ?? [],
    },
  };
}

/** One environment-scoped service with one platform secret holding `keys`. */
export function service(name: string, keys: KeySpec[], extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return { name, scope: 'environment', secrets: [{ name: `${name}-credentials`, level: 'platform', keys }], ...extra };
}

/** Inventory entries from `path#key` strings (a `value` may be planted to prove it never leaks). */
export function entries(locations: readonly string[], spec: InventoryEntry['spec'] = { generate: 'deterministic' }): InventoryEntry[] {
  return locations.map((loc) => {
    const [path, key] = loc.split('#') as [string, string];
    return { path, key, spec, file: 'fixtures/test.yaml', pointer: `/spec/paths/${path}/${key}`, shared: false };
  });
}

/** A resolver over `catalog` whose inventories hold the given `path#key` locations per environment. */
export function resolverWith(catalog: ServiceCatalog, byEnvironment: Record<string, readonly string[]>): Resolver {
  const inventories = new Map<string, Inventory>();
  for (const env of catalog.spec.environments) {
    inventories.set(env.name, createInventory(env.name, env.tier === 'production', entries(byEnvironment[env.name] ?? [])));
  }
  return new Resolver({ catalog, inventories });
}
