import { ESO_SPEC, objectShape } from '../helpers/k8s/shapes';
import { prune } from '../../lib/scan/summary';
import type { Inventory } from '../../lib/catalog/fixtures';
import { formatVaultLocation } from '../../lib/catalog/layout';
import type { EnvironmentSpec } from '../../lib/catalog/types';
import { isProductionTier } from '../../lib/catalog/types';
import { CatalogIndex, catalogIndex } from '../helpers/catalog-index';
import { ExternalSecretView, externalSecretViews, RemoteRead, storeViews, StoreView } from '../helpers/k8s/external-secrets';
import { allObjects, displayName, interestOutsideCrds, isJson, isTemplated, ptr, refOf } from '../helpers/k8s/objects';
import { catalogDistDir, locateInSource, rootsContain } from '../../lib/scan/locate';
import type { ManifestDocument, Rule, RuleContext, RuleReport } from '../../lib/scan/types';

/**
 * What checkProject reads of a document: object identity and placement, ExternalSecret reads and
 * stores, and which inventory entries have a value or generator (not the value).
 */
const SUMMARY = objectShape({ ...ESO_SPEC, paths: { '*': { '*': { value: null, generate: null } } } });

/**
 * Fixtures are what the dev/CI bootstrap seeds into Vault. When an ExternalSecret of a
 * non-production environment reads a key the fixtures do not create, the sync fails in every fresh
 * cluster; when a fixture entry is read by nothing, it is dead weight that hides real drift; and a
 * production inventory entry with a value would put a production secret in Git.
 */
export const fixtureDrift: Rule = {
  meta: {
    id: 'fixture-drift',
    description: 'ExternalSecrets and Vault fixtures disagree: a read key has no fixture, a fixture is read by nothing, or a production inventory holds a value.',
    remediation:
      'Add the missing key to the environment\'s fixture file (`secretops fixtures scaffold`), point the ExternalSecret at a key the catalog resolves, remove fixture entries nothing reads, and keep production inventories to key names only.',
    defaultSeverity: 'error',
    docs: 'policies/fixture-drift/README.md',
    scope: 'project',
    interest: interestOutsideCrds(/ExternalSecret|SecretStore|Vault(Inventory|Fixtures)/),
  },
  summarize: (doc) => prune(doc.value, SUMMARY),
  checkProject(docs, ctx, report) {
    const objects = allObjects(docs);
    const views = externalSecretViews(objects);
    // The catalog is loaded only when the scan holds something to compare with it.
    if (views.length === 0 && !objects.some((o) => o.kind === 'VaultInventory' || o.kind === 'VaultFixtures')) return;
    reportProductionValues(docs, ctx.project ? catalogIndex(ctx.project) : undefined, ctx.cwd, report);
    if (!ctx.project) return;
    const idx = catalogIndex(ctx.project);
    const stores = storeViews(objects);
    const usage = new FixtureUsage();
    for (const es of views) {
      const environments = nonProductionPlacement(idx, es);
      if (!environments) continue;
      if (environments.length === 1) usage.scanned.add(environments[0]!.name);
      for (const read of es.reads) {
        if (!readsCatalogVault(idx, stores, read) || isTemplated(read.key)) continue;
        const path = idx.normaliseRemoteKey(read.key);
        for (const env of environments) usage.mark(env.name, path, read.property);
        const inventories = environments.map((e) => ctx.project!.fixtures.inventories.get(e.name)).filter((i): i is Inventory => i !== undefined);
        if (inventories.some((inv) => defines(inv, path, read.property))) continue;
        const where = read.property ? formatVaultLocation(idx.kvMount, path, read.property) : `${idx.kvMount}/${path}`;
        const envs = environments.map((e) => `"${e.name}"`).join(' or ');
        report({
          doc: es.object.doc,
          pointer: read.at,
          object: refOf(es.object),
          message: `${es.object.kind} "${displayName(es.object.name ?? '?', es.object.namespace)}" reads ${where}, which the fixtures of environment ${envs} do not define`,
          // A hook that commits a fixture change reports the unchanged ExternalSecrets it breaks.
          ...(ctx.catalogInputs ? { dueTo: ctx.catalogInputs } : {}),
        });
      }
    }
    reportOrphans(docs, idx, usage, coversGeneratedOutput(ctx), ctx.cwd, report);
  },
};

/** Which fixture entries scanned ExternalSecrets read, per environment. */
class FixtureUsage {
  /** Environments with at least one ExternalSecret placed in them for certain. */
  readonly scanned = new Set<string>();
  private readonly read = new Set<string>();
  private readonly wholePaths = new Set<string>();
  /** Paths some scanned ExternalSecret of the environment reads (at least one key of). */
  private readonly touched = new Set<string>();
  mark(env: string, path: string, property: string | undefined): void {
    this.touched.add(`${env}\u0000${path}`);
    if (property === undefined) this.wholePaths.add(`${env}\u0000${path}`);
    else this.read.add(`${env}\u0000${path}\u0000${property}`);
  }
  isTouched(env: string, path: string): boolean {
    return this.touched.has(`${env}\u0000${path}`);
  }
  isRead(env: string, path: string, key: string): boolean {
    return this.wholePaths.has(`${env}\u0000${path}`) || this.read.has(`${env}\u0000${path}\u0000${key}`);
  }
}

function defines(inv: Inventory, path: string, property: string | undefined): boolean {
  return property !== undefined ? inv.has(path, property) : inv.entries().some((e) => e.path === path);
}

/** The non-production environments an ExternalSecret may belong to; undefined to skip it. */
function nonProductionPlacement(idx: CatalogIndex, es: ExternalSecretView): EnvironmentSpec[] | undefined {
  const { environments } = idx.placement(es.object);
  // Unknown, or possibly production (whose Vault is provisioned out of band): not fixture business.
  if (environments.length === 0 || environments.some((e) => isProductionTier(e.tier))) return undefined;
  return [...environments];
}

/**
 * True when the scan covers all of the catalog's generated output: a working-tree scan whose paths
 * include the `dist/` folder beside the catalog (a staged scan: the index, which includes it). A scan
 * of a few files without a context does not.
 */
function coversGeneratedOutput(ctx: RuleContext): boolean {
  // A staged scan has the whole index as context (ctx.scanned set); without it, only the commit.
  if (!ctx.project || !ctx.roots || (ctx.staged && !ctx.scanned)) return false;
  return rootsContain(ctx.roots, catalogDistDir(ctx.project, ctx.cwd).rel, ctx.cwd);
}

/** Reads that go to the catalog's Vault: its ClusterSecretStore, or a scanned Vault store. */
function readsCatalogVault(idx: CatalogIndex, stores: readonly StoreView[], read: RemoteRead): boolean {
  const ref = read.store;
  if (!ref) return false;
  if (ref.kind === 'ClusterSecretStore' && idx.isCatalogStore(ref.name)) return true;
  return stores.some((s) => s.kind === ref.kind && s.name === ref.name && s.providers.includes('vault'));
}

/**
 * Entries nobody reads, reported only where the scan saw enough not to flood a partial scan:
 * - on a path that a scanned ExternalSecret of the environment reads (its neighbours are read, this
 *   key is not), always;
 * - anywhere in an environment, when the scan covered the whole generated output (`wholeScan`) and
 *   found ExternalSecrets of that environment;
 * - shared entries serve every non-production environment: only in a whole scan that found
 *   ExternalSecrets of all of them.
 */
function reportOrphans(docs: readonly ManifestDocument[], idx: CatalogIndex, usage: FixtureUsage, wholeScan: boolean, cwd: string, report: (r: RuleReport) => void): void {
  const nonProduction = idx.project.catalog.spec.environments.filter((e) => !isProductionTier(e.tier));
  const allScanned = wholeScan && nonProduction.length > 0 && nonProduction.every((e) => usage.scanned.has(e.name));
  const reported = new Set<string>();
  for (const env of nonProduction) {
    const inv = idx.project.fixtures.inventories.get(env.name);
    if (!inv) continue;
    for (const entry of inv.entries()) {
      const inScope = entry.shared ? allScanned : usage.isTouched(env.name, entry.path) || (wholeScan && usage.scanned.has(env.name));
      if (!inScope) continue;
      const readers = entry.shared ? nonProduction.map((e) => e.name) : [env.name];
      if (readers.some((e) => usage.isRead(e, entry.path, entry.key))) continue;
      const id = `${entry.file}\u0000${entry.pointer}`;
      if (reported.has(id)) continue;
      reported.add(id);
      const src = idx.project.fixtures.files.find((f) => f.source.file === entry.file)?.source;
      if (!src) continue;
      const scope = entry.shared ? 'any non-production environment' : `environment "${env.name}"`;
      report({
        ...locateInSource(docs, cwd, src, entry.pointer),
        severity: 'warning',
        message: `fixture ${formatVaultLocation(idx.kvMount, entry.path, entry.key)} is read by no scanned ExternalSecret of ${scope}`,
      });
    }
  }
}

/**
 * Production inventories list names only. Checked on the catalog's fixture files and on any scanned
 * `VaultInventory` (or production-named `VaultFixtures`) document, once per entry.
 */
function reportProductionValues(docs: readonly ManifestDocument[], idx: CatalogIndex | undefined, cwd: string, report: (r: RuleReport) => void): void {
  const reported = new Set<string>();
  const isProductionFile = (kind: unknown, name: unknown) =>
    kind === 'VaultInventory' || (kind === 'VaultFixtures' && typeof name === 'string' && idx?.environment(name) !== undefined && isProductionTier(idx.environment(name)!.tier));
  const check = (value: unknown, path: string, locate: (pointer: string) => Pick<RuleReport, 'doc' | 'file' | 'pointer' | 'position'>) => {
    if (!isJson(value) || !isProductionFile(value.kind, (value.metadata as { name?: unknown } | undefined)?.name)) return;
    const paths = (value.spec as { paths?: unknown } | undefined)?.paths;
    if (!isJson(paths)) return;
    for (const [vaultPath, keys] of Object.entries(paths)) {
      if (!isJson(keys)) continue;
      for (const [key, spec] of Object.entries(keys)) {
        if (!isJson(spec)) continue;
        const field = spec.value !== undefined ? 'value' : spec.generate !== undefined ? 'generate' : undefined;
        if (!field) continue;
        const pointer = ptr('', 'spec', 'paths', vaultPath, key, field);
        if (reported.has(`${path}\u0000${pointer}`)) continue;
        reported.add(`${path}\u0000${pointer}`);
        report({
          ...locate(pointer),
          message: `production inventory entry ${vaultPath}#${key} holds a ${field === 'value' ? 'value' : 'generator'}; production inventories list key names only`,
        });
      }
    }
  };
  for (const doc of docs) check(doc.value, doc.file.path, (pointer) => ({ doc, pointer }));
  for (const f of idx?.project.fixtures.files ?? []) {
    const located = locateInSource(docs, cwd, f.source, '');
    const path = located.doc?.file.path ?? located.file!.path;
    check(f.source.value, path, (pointer) => locateInSource(docs, cwd, f.source, pointer));
  }
}

export default fixtureDrift;
