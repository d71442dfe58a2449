import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, isMap, parseDocument, YAMLMap } from 'yaml';
import type { LoadedFixtureFile } from './fixtures';
import { FIXTURES_API_VERSION, SHARED_FIXTURES_NAME } from './fixtures';
import type { ServiceCatalog } from './types';
import { isProductionTier } from './types';
import type { Resolver } from '../resolver/resolver';
import { environmentPath, sharedPath } from './layout';

export interface ScaffoldAddition {
  /** Fixture file name without folder, e.g. `dev.yaml`. */
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
 * with them added. Existing entries and comments are kept: files are edited as YAML documents, not
 * regenerated. Required keys that no Vault candidate satisfies get an entry: the override key
 * where the environment has one, at the shared path for singletons, else at the environment path.
 */
export function planScaffold(catalog: ServiceCatalog, fixturesDir: string, files: readonly LoadedFixtureFile[], resolver: Resolver): ScaffoldPlan {
  const docs = new Map<string, Document>();
  const fileOf = (name: string) => join(fixturesDir, `${name}.yaml`);
  const docFor = (name: string, kind: 'VaultFixtures' | 'VaultInventory'): Document => {
    let doc = docs.get(name);
    if (doc) return doc;
    const existing = files.find((f) => f.data.metadata.name === name);
    if (existing) {
      doc = parseDocument(existing.source.text);
    } else {
      doc = new Document({ apiVersion: FIXTURES_API_VERSION, kind, metadata: { name }, spec: { paths: {} } });
      doc.commentBefore =
        kind === 'VaultInventory'
          ? ` Vault inventory for "${name}" (production tier): key names only, never values.\n Values are provisioned in Vault out of band.`
          : ` Vault fixtures for "${name}": how the dev/CI bootstrap creates each key. No secret values.`;
    }
    if (!isMap(doc.getIn(['spec', 'paths']))) doc.setIn(['spec', 'paths'], doc.createNode({}));
    docs.set(name, doc);
    return doc;
  };

  const additions: ScaffoldAddition[] = [];
  const added = new Set<string>();
  const referenced = new Map<string, Set<string>>(); // fixture file name -> "path#key"
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
      const fileName = singleton && !production ? SHARED_FIXTURES_NAME : env.name;
      reference(fileName, path, key);
      const id = `${fileName}|${path}|${key}`;
      if (added.has(id)) continue;
      added.add(id);
      const doc = docFor(fileName, production ? 'VaultInventory' : 'VaultFixtures');
      const pathsNode = doc.getIn(['spec', 'paths']) as YAMLMap;
      if (!pathsNode.has(path)) pathsNode.set(path, doc.createNode({}));
      const spec = production ? {} : { generate: 'deterministic' };
      const node = doc.createNode(spec, { flow: true });
      (pathsNode.get(path) as YAMLMap).set(key, node);
      additions.push({ file: `${fileName}.yaml`, path, key, spec: production ? 'name only' : 'generate: deterministic' });
    }
  }

  const orphans: ScaffoldOrphan[] = [];
  for (const f of files) {
    const name = f.data.metadata.name;
    const refs = referenced.get(name) ?? new Set();
    for (const [path, keys] of Object.entries(f.data.spec.paths ?? {})) {
      for (const key of Object.keys(keys ?? {})) {
        if (!refs.has(`${path}#${key}`)) orphans.push({ file: `${name}.yaml`, path, key });
      }
    }
  }

  const writes = new Map<string, string>();
  for (const [name, doc] of docs) writes.set(fileOf(name), doc.toString({ lineWidth: 0 }));
  return { additions, orphans, writes };
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
