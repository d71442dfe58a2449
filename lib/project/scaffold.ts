import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FixtureEntryToAdd, insertFixtureEntries } from '../catalog/fixture-edit';
import type { LoadedFixtureFile } from '../catalog/fixtures';
import { FIXTURES_API_VERSION, SHARED_FIXTURES_NAME } from '../catalog/fixtures';
import type { ServiceCatalog } from '../catalog/types';
import { isProductionTier } from '../catalog/types';
import type { Resolver } from '../resolver/resolver';
import { environmentPath, sharedPath } from '../catalog/layout';

export interface ScaffoldAddition {
  /** Fixture file name without folder, e.g. `dev.yaml` (an existing `dev.yml` keeps its name). */
  readonly file: string;
  readonly path: string;
  readonly key: string;
  readonly spec: 'generate: deterministic' | 'name only';
}

export interface ScaffoldOrphan {
  readonly file: string;
  readonly path: string;
  readonly key: string;
}

export interface ScaffoldPlan {
  readonly additions: readonly ScaffoldAddition[];
  readonly orphans: readonly ScaffoldOrphan[];
  /** New file contents by absolute path; only files that change. */
  readonly writes: ReadonlyMap<string, string>;
}

/**
 * Works out which fixture entries the catalog needs and the fixtures lack, and how each file reads
 * with them added. Existing files are edited by inserting lines (see `insertFixtureEntries`), so
 * every existing entry and comment stays byte for byte. Required keys that no Vault candidate
 * satisfies get an entry: the override key where the environment has one, at the shared path for
 * singletons, else at the environment path.
 */
export function planScaffold(catalog: ServiceCatalog, fixturesDir: string, files: readonly LoadedFixtureFile[], resolver: Resolver): ScaffoldPlan {
  const pending = new Map<string, { kind: FixtureKind; entries: FixtureEntryToAdd[] }>();
  const fileOf = (name: string) => files.find((f) => f.data.metadata.name === name)?.source.file ?? join(fixturesDir, `${name}.yaml`);

  const additions: ScaffoldAddition[] = [];
  const added = new Set<string>();
  const referenced = new Map<string, Set<string>>(); // fixture name -> "path#key"
  const reference = (name: string, path: string, key: string) => {
    if (!referenced.has(name)) referenced.set(name, new Set());
    referenced.get(name)!.add(`${path}#${key}`);
  };

  for (const env of catalog.spec.environments) {
    const production = isProductionTier(env.tier);
    for (const r of resolver.resolveEnvironment(env.name)) {
      const service = catalog.spec.services.find((s) => s.name === r.service)!;
      if (r.winner?.vault) {
        // The winner came from shared.yaml (non-production shared path) or the environment's own file.
        const sharedWinner = !production && isSharedEntry(files, r.winner.vault.path, r.winner.vault.property, env.name);
        reference(sharedWinner ? SHARED_FIXTURES_NAME : env.name, r.winner.vault.path, r.winner.vault.property);
        continue;
      }
      if (r.winner || !r.required) continue;
      const ctx = { environment: env.name, service: r.service, secret: r.secret, cluster: env.cluster };
      const singleton = service.scope === 'infrastructure-singleton';
      const path = singleton ? sharedPath(catalog, ctx) : environmentPath(catalog, ctx);
      const key = r.tried.find((c) => c.tier === 'env-override')?.sourceKey ?? r.key;
      const name = singleton && !production ? SHARED_FIXTURES_NAME : env.name;
      reference(name, path, key);
      const id = `${name}|${path}|${key}`;
      if (added.has(id)) continue;
      added.add(id);
      const kind: FixtureKind = production ? 'VaultInventory' : 'VaultFixtures';
      const target = pending.get(name) ?? { kind, entries: [] };
      target.entries.push({ path, key, spec: production ? '{}' : '{ generate: deterministic }' });
      pending.set(name, target);
      additions.push({ file: basename(fileOf(name)), path, key, spec: production ? 'name only' : 'generate: deterministic' });
    }
  }

  const orphans: ScaffoldOrphan[] = [];
  for (const f of files) {
    const name = f.data.metadata.name;
    const refs = referenced.get(name) ?? new Set();
    for (const [path, keys] of Object.entries(f.data.spec.paths ?? {})) {
      for (const key of Object.keys(keys ?? {})) {
        if (!refs.has(`${path}#${key}`)) orphans.push({ file: basename(f.source.file), path, key });
      }
    }
  }

  const writes = new Map<string, string>();
  for (const [name, { kind, entries }] of pending) {
    const existing = files.find((f) => f.data.metadata.name === name);
    writes.set(fileOf(name), insertFixtureEntries(existing ? existing.source.text : newFixtureFile(name, kind), entries));
  }
  return { additions, orphans, writes };
}

type FixtureKind = 'VaultFixtures' | 'VaultInventory';

/** The text of an empty fixture file, with a header that says what it may hold. */
function newFixtureFile(name: string, kind: FixtureKind): string {
  const header =
    kind === 'VaultInventory'
      ? `# Vault inventory for "${name}" (production tier): key names only, never values.\n# Values are provisioned in Vault out of band.\n`
      : `# Vault fixtures for "${name}": how the dev/CI bootstrap creates each key. No secret values.\n`;
  return `${header}\napiVersion: ${FIXTURES_API_VERSION}\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n  paths: {}\n`;
}

function isSharedEntry(files: readonly LoadedFixtureFile[], path: string, key: string, environment: string): boolean {
  const own = files.find((f) => f.data.metadata.name === environment);
  if (own?.data.spec.paths?.[path]?.[key] !== undefined) return false;
  const shared = files.find((f) => f.data.metadata.name === SHARED_FIXTURES_NAME);
  return shared?.data.spec.paths?.[path]?.[key] !== undefined;
}

/** Writes every file of the plan, each through a temporary file and a rename: nothing is half-written. */
export function applyScaffold(plan: ScaffoldPlan, fixturesDir: string): void {
  if (plan.writes.size === 0) return;
  if (!existsSync(fixturesDir)) mkdirSync(fixturesDir, { recursive: true });
  const temps: [string, string][] = [];
  for (const [file, text] of plan.writes) {
    const tmp = `${file}.secretops-tmp`;
    writeFileSync(tmp, text);
    temps.push([tmp, file]);
  }
  for (const [tmp, file] of temps) renameSync(tmp, file);
}
