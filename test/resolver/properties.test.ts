import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInventory, Inventory } from '../../lib/catalog/fixtures';
import type { KeySpec, OverridePattern, ServiceCatalog, VaultPathLayout } from '../../lib/catalog/types';
import { resolutionsToJson, resolutionsToText } from '../../lib/resolver/format';
import { Resolution, Resolver, RESOLUTION_TIERS } from '../../lib/resolver/resolver';
import { entries, service, testCatalog } from '../support/catalog';

/**
 * Property tests over generated catalogs and inventories: the winner is the first candidate found,
 * candidates agree with the inventory and come in tier order, results do not depend on the order of
 * maps, and no fixture value ever reaches a resolution.
 */

const ENVIRONMENTS = ['production', 'ai', 'dev'] as const;
const ALIASES = ['ai-staging', 'preview', 'pr-1'] as const;
const PREFIXES = ['APP_', 'CODEX_', 'CODEX_PUBLIC_'];
const KEYS = PREFIXES.flatMap((p) => ['TOKEN', 'DB_URL', 'LOG_LEVEL'].map((n) => p + n));
const OVERRIDE_NAMES = ['TOKEN_O', 'ALT_DB_URL', 'APP_TOKEN_AI'];
const TEMPLATES = ['{key}_O', '{prefix}{ENV}_{name}', 'O_{key}', '{name}_{ENV}', '{key}'];
const LAYOUTS: Partial<VaultPathLayout>[] = [{}, { environment: '{cluster}/{environment}/{service}', shared: '{cluster}/{service}' }, { environment: 'all/{service}', shared: 'all/{service}' }];
const ENV_OR_ALIAS = [...ENVIRONMENTS, ...ALIASES];

interface Model {
  readonly services: { readonly keys: readonly KeySpec[] }[];
  readonly aliases: [string, string][];
  readonly keyOverrides: [string, [string, string][]][];
  readonly patterns: OverridePattern[];
  readonly layout: Partial<VaultPathLayout>;
}

const keySpec = fc.record({ name: fc.constantFrom(...KEYS), withDefault: fc.boolean(), optional: fc.boolean() }).map(
  ({ name, withDefault, optional }): KeySpec => ({ name, ...(withDefault ? { default: 'base' } : {}), ...(optional ? { optional } : {}) }),
);

const model: fc.Arbitrary<Model> = fc.record({
  services: fc.array(fc.record({ keys: fc.uniqueArray(keySpec, { minLength: 1, maxLength: 5, selector: (k) => k.name }) }), { minLength: 1, maxLength: 3 }),
  // Aliases mostly share a target, so several of them meet in one override map.
  aliases: fc.uniqueArray(fc.tuple(fc.constantFrom(...ALIASES), fc.constantFrom('ai', 'ai', 'dev')), { selector: ([a]) => a }),
  keyOverrides: fc.uniqueArray(
    fc.tuple(fc.constantFrom(...KEYS), fc.uniqueArray(fc.tuple(fc.constantFrom(...ENV_OR_ALIAS), fc.constantFrom(...OVERRIDE_NAMES)), { minLength: 1, selector: ([e]) => e })),
    { maxLength: 4, selector: ([k]) => k },
  ),
  patterns: fc.array(
    fc.record({
      sourcePrefix: fc.constantFrom(...PREFIXES),
      excludeKeys: fc.subarray(KEYS),
      excludePrefixes: fc.subarray(['CODEX_PUBLIC_', 'APP_L']),
      environments: fc.subarray([...ENV_OR_ALIAS], { minLength: 1 }),
      overrideTemplate: fc.constantFrom(...TEMPLATES),
    }),
    { maxLength: 3 },
  ),
  layout: fc.constantFrom(...LAYOUTS),
});

/** Builds the catalog with its maps in the given key order (a permutation of the model's). */
function catalogOf(m: Model, order: { aliases: number[]; keyOverrides: number[]; overrideKeys: number[][] }): ServiceCatalog {
  const pick = <T,>(list: readonly T[], idx: readonly number[]) => idx.map((i) => list[i]!);
  return testCatalog({
    paths: m.layout,
    secretResolution: {
      environmentAliases: Object.fromEntries(pick(m.aliases, order.aliases)),
      keyOverrides: Object.fromEntries(
        order.keyOverrides.map((i) => {
          const [key, overrideKeys] = m.keyOverrides[i]!;
          return [key, { overrideKeys: Object.fromEntries(pick(overrideKeys, order.overrideKeys[i]!)) }];
        }),
      ),
      patterns: m.patterns,
    },
    services: m.services.map((s, i) => service(`svc${i}`, [...s.keys])),
  });
}

const identity = (n: number) => Array.from({ length: n }, (_, i) => i);
const inOrder = (m: Model) => ({ aliases: identity(m.aliases.length), keyOverrides: identity(m.keyOverrides.length), overrideKeys: m.keyOverrides.map(([, o]) => identity(o.length)) });
const permutation = (n: number) => fc.shuffledSubarray(identity(n), { minLength: n, maxLength: n });

/** Every Vault location any candidate could look at, per environment (found by resolving against nothing). */
function universe(catalog: ServiceCatalog): Map<string, string[]> {
  const empty = new Map<string, Inventory>(catalog.spec.environments.map((e) => [e.name, createInventory(e.name, false, [])]));
  const resolver = new Resolver({ catalog, inventories: empty });
  return new Map(
    catalog.spec.environments.map((e) => [
      e.name,
      [...new Set(resolver.resolveEnvironment(e.name).flatMap((r) => r.tried.flatMap((c) => (c.vault ? [`${c.vault.path}#${c.vault.property}`] : []))))].sort(),
    ]),
  );
}

/** A model, the locations present per environment (a subset of the universe plus noise), and value markers. */
const scenario = model.chain((m) => {
  const catalog = catalogOf(m, inOrder(m));
  const u = universe(catalog);
  return fc.record({
    m: fc.constant(m),
    present: fc.record(Object.fromEntries(ENVIRONMENTS.map((e) => [e, fc.subarray([...(u.get(e) ?? []), 'noise/path#TOKEN'])]))) as fc.Arbitrary<Record<string, string[]>>,
  });
});

function inventoriesOf(catalog: ServiceCatalog, present: Record<string, readonly string[]>, value?: (loc: string) => string): Map<string, Inventory> {
  return new Map(
    catalog.spec.environments.map((e) => {
      const list = present[e.name] ?? [];
      const made = value ? list.flatMap((loc) => entries([loc], { value: value(loc) })) : entries(list);
      return [e.name, createInventory(e.name, e.tier === 'production', made)];
    }),
  );
}

const everyResolution = (resolver: Resolver, catalog: ServiceCatalog): Resolution[] =>
  [...catalog.spec.environments.map((e) => e.name), ...Object.keys(catalog.spec.secretResolution?.environmentAliases ?? {}).sort()].flatMap((e) => resolver.resolveEnvironment(e));

describe('resolver properties', () => {
  it('the winner is the first found candidate; candidates agree with the inventory and come in tier order', () => {
    fc.assert(
      fc.property(scenario, ({ m, present }) => {
        const catalog = catalogOf(m, inOrder(m));
        const inventories = inventoriesOf(catalog, present);
        const resolver = new Resolver({ catalog, inventories });
        for (const r of everyResolution(resolver, catalog)) {
          const inv = inventories.get(r.environment)!;
          for (const c of r.tried) {
            if (c.vault) expect(c.found).toBe(inv.has(c.vault.path, c.vault.property));
            else expect(c).toMatchObject({ tier: 'base', found: true });
          }
          const ranks = r.tried.map((c) => RESOLUTION_TIERS.indexOf(c.tier));
          expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
          expect(r.winner).toEqual(r.tried.find((c) => c.found) ?? null);
          const key = catalog.spec.services.find((s) => s.name === r.service)!.secrets[0]!.keys.find((k) => k.name === r.key)!;
          expect(r.tried.some((c) => c.tier === 'base')).toBe(key.default !== undefined);
          const target = resolver.targetKeyName(r.environment, r.key);
          for (const c of r.tried.filter((x) => x.tier === 'env-override')) expect(c.sourceKey).toBe(target.key);
          if (target.tier === 'env-override') expect(target.key).not.toBe(r.key);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('results do not depend on the order of inventories, keyOverrides, overrideKeys or aliases', () => {
    const withOrders = scenario.chain((s) =>
      fc.record({
        s: fc.constant(s),
        aliases: permutation(s.m.aliases.length),
        keyOverrides: permutation(s.m.keyOverrides.length),
        overrideKeys: fc.tuple(...s.m.keyOverrides.map(([, o]) => permutation(o.length))),
        inventory: fc.record(Object.fromEntries(ENVIRONMENTS.map((e) => [e, permutation(s.present[e]!.length)]))) as fc.Arbitrary<Record<string, number[]>>,
      }),
    );
    fc.assert(
      fc.property(withOrders, ({ s, aliases, keyOverrides, overrideKeys, inventory }) => {
        const straight = catalogOf(s.m, inOrder(s.m));
        const shuffled = catalogOf(s.m, { aliases, keyOverrides, overrideKeys: overrideKeys as number[][] });
        const shuffledPresent = Object.fromEntries(ENVIRONMENTS.map((e) => [e, inventory[e]!.map((i) => s.present[e]![i]!)]));
        const a = everyResolution(new Resolver({ catalog: straight, inventories: inventoriesOf(straight, s.present) }), straight);
        const b = everyResolution(new Resolver({ catalog: shuffled, inventories: inventoriesOf(shuffled, shuffledPresent) }), shuffled);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 200 },
    );
  });

  it('no resolution, nor its JSON or text rendering, ever contains a fixture value', () => {
    const marker = (loc: string) => `canary-value-${Buffer.from(loc).toString('hex')}`;
    fc.assert(
      fc.property(scenario, ({ m, present }) => {
        const catalog = catalogOf(m, inOrder(m));
        const resolver = new Resolver({ catalog, inventories: inventoriesOf(catalog, present, marker) });
        const outputs = catalog.spec.environments.flatMap((e) => {
          const res = resolver.resolveEnvironment(e.name);
          return [JSON.stringify(res), JSON.stringify(resolutionsToJson(e.name, res)), resolutionsToText(e.name, res)];
        });
        for (const text of outputs) expect(text).not.toContain('canary-value-');
      }),
      { numRuns: 200 },
    );
  });
});
