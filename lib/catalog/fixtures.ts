import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostic, ExitCode, UserError } from '../errors';
import { credentialKeyMatcher, CredentialKeyMatcher } from '../credential-like';
import { diagnosticAt, parseYamlSource, pointerOf, readTextFile, YamlSource } from '../yaml-source';
import { readFrom, type ProjectFiles } from './files';
import { compileSchema, schemaDiagnostics } from './schema';
import fixturesSchema from './fixtures.schema.json';
import type { ServiceCatalog } from './types';
import { isProductionTier } from './types';
import { formatVaultLocation } from './layout';

/**
 * Fixture files say which Vault paths and keys exist per environment, and for non-production tiers
 * how the bootstrap creates each key. They never hold secret values.
 *
 * - `fixtures/shared.yaml` (kind `VaultFixtures`, name `shared`): entries every non-production
 *   environment has (shared/platform paths).
 * - `fixtures/<environment>.yaml`, kind `VaultFixtures` for non-production tiers: that environment's
 *   entries; an entry for the same path and key as a shared one overrides it for this environment.
 * - `fixtures/<environment>.yaml`, kind `VaultInventory` for production tiers: names only.
 */
export const FIXTURES_API_VERSION = 'secretops.dev/v1alpha1';
export const SHARED_FIXTURES_NAME = 'shared';

/** How the bootstrap creates a key. An empty spec (production inventory) only says it exists. */
export interface FixtureKeySpec {
  /** `deterministic`: HMAC-SHA256 of a per-cluster seed and the key's path; `random`: once, from a CSPRNG. */
  readonly generate?: 'deterministic' | 'random';
  /** Hex characters of a generated secret (the whole value for `hex`, the `{secret}` part for `url`). @default 32 */
  readonly length?: number;
  /**
   * Shape of a generated value, so apps that parse it (a database URL, a base64 key) get one they can:
   * `hex`, `base64url` (`bytes` random bytes, unpadded) or `url` (`template`).
   * @default "hex"
   */
  readonly format?: 'hex' | 'base64url' | 'url';
  /** Bytes of a `base64url` value. @default 32 */
  readonly bytes?: number;
  /** For `url`: the value with `{secret}`, `{service}` (last path segment) and `{environment}` (first path segment). */
  readonly template?: string;
  /** A literal for non-secret keys only. */
  readonly value?: string;
  readonly description?: string;
}

export interface FixtureFile {
  readonly apiVersion: string;
  readonly kind: 'VaultFixtures' | 'VaultInventory';
  readonly metadata: { readonly name: string };
  /** Path (relative to the KV mount) -> key -> spec. */
  readonly spec: { readonly paths: Readonly<Record<string, Readonly<Record<string, FixtureKeySpec | null>>>> };
}

export interface LoadedFixtureFile {
  readonly source: YamlSource;
  readonly data: FixtureFile;
}

/** One key that exists in an environment's Vault, with where it was declared. */
export interface InventoryEntry {
  readonly path: string;
  readonly key: string;
  readonly spec: FixtureKeySpec;
  /** The fixture file and JSON pointer of the declaration. */
  readonly file: string;
  readonly pointer: string;
  /** True when it came from `shared.yaml`. */
  readonly shared: boolean;
}

/** What exists in one environment's Vault. */
export interface Inventory {
  readonly environment: string;
  readonly production: boolean;
  has(path: string, key: string): boolean;
  get(path: string, key: string): InventoryEntry | undefined;
  /** Every entry, sorted by path then key. */
  entries(): readonly InventoryEntry[];
}

export interface FixtureSet {
  readonly dir: string;
  readonly files: readonly LoadedFixtureFile[];
  readonly inventories: ReadonlyMap<string, Inventory>;
}

const validateFixtureShape = compileSchema(fixturesSchema);

/** Reads every `*.yaml` in `dir`. A missing directory is an empty fixture set. */
export function readFixtureFiles(dir: string, files?: ProjectFiles): LoadedFixtureFile[] {
  let names: string[];
  if (files) {
    // The index holds files only: the fixtures are those directly in the folder.
    names = files.list(dir).filter((n) => !n.includes('/') && /\.ya?ml$/.test(n));
  } else {
    if (!existsSync(dir)) return [];
    if (!statSync(dir).isDirectory()) {
      throw new UserError({ file: dir, message: 'fixtures path is not a directory', hint: 'pass the fixtures folder with --fixtures DIR' }, ExitCode.usage);
    }
    names = readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  }
  const out: LoadedFixtureFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const source = parseYamlSource(file, files ? readFrom(files, file, 'fixture file') : readTextFile(file, 'fixture file'));
      const shapeErrors = schemaDiagnostics(validateFixtureShape, source);
      if (shapeErrors.length > 0) {
        diagnostics.push(...shapeErrors);
        continue;
      }
      out.push({ source, data: source.value as FixtureFile });
    } catch (err) {
      // An unreadable file is a usage error (exit 2) and stops here; syntax errors are collected.
      if (err instanceof UserError && err.exitCode === ExitCode.failed) diagnostics.push(...err.diagnostics);
      else throw err;
    }
  }
  if (diagnostics.length > 0) throw new UserError(diagnostics);
  return out;
}

/** An inventory of the given entries; a later entry for the same path and key replaces an earlier one. */
export function createInventory(environment: string, production: boolean, entries: Iterable<InventoryEntry>): Inventory {
  const inv = new MapInventory(environment, production);
  for (const e of entries) inv.add(e);
  return inv;
}

class MapInventory implements Inventory {
  private readonly byLocation = new Map<string, InventoryEntry>();
  constructor(
    readonly environment: string,
    readonly production: boolean,
  ) {}
  add(entry: InventoryEntry): void {
    this.byLocation.set(`${entry.path}\u0000${entry.key}`, entry);
  }
  has(path: string, key: string): boolean {
    return this.byLocation.has(`${path}\u0000${key}`);
  }
  get(path: string, key: string): InventoryEntry | undefined {
    return this.byLocation.get(`${path}\u0000${key}`);
  }
  entries(): readonly InventoryEntry[] {
    return [...this.byLocation.values()].sort((a, b) => a.path.localeCompare(b.path) || a.key.localeCompare(b.key));
  }
}

function fileEntries(f: LoadedFixtureFile, shared: boolean): InventoryEntry[] {
  const out: InventoryEntry[] = [];
  for (const [path, keys] of Object.entries(f.data.spec.paths ?? {})) {
    for (const [key, spec] of Object.entries(keys ?? {})) {
      out.push({ path, key, spec: spec ?? {}, file: f.source.file, pointer: pointerOf(['spec', 'paths', path, key]), shared });
    }
  }
  return out;
}

/** Builds one inventory per catalog environment from the loaded files. */
export function buildInventories(catalog: ServiceCatalog, files: readonly LoadedFixtureFile[]): Map<string, Inventory> {
  const shared = files.find((f) => f.data.metadata.name === SHARED_FIXTURES_NAME);
  const result = new Map<string, Inventory>();
  for (const env of catalog.spec.environments) {
    const production = isProductionTier(env.tier);
    const own = files.find((f) => f.data.metadata.name === env.name);
    // The environment's own entries come last, so they override shared ones for the same path and key.
    const entries = [...(!production && shared ? fileEntries(shared, true) : []), ...(own ? fileEntries(own, false) : [])];
    result.set(env.name, createInventory(env.name, production, entries));
  }
  return result;
}

/**
 * Semantic checks on fixture files against the catalog: names match files and environments, kinds
 * match tiers, production inventories hold no values or generators, and no literal value sits on a
 * credential-like key.
 */
export function checkFixtures(
  catalog: ServiceCatalog,
  files: readonly LoadedFixtureFile[],
  isCredential: CredentialKeyMatcher = credentialKeyMatcher(),
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const { name } = f.data.metadata;
    const src = f.source;
    const expectedFile = new RegExp(`(^|[\\\\/])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.ya?ml$`);
    if (!expectedFile.test(src.file)) {
      out.push(diagnosticAt(src, '/metadata/name', `fixture file declares name "${name}" but is not named ${name}.yaml`, `rename the file or set metadata.name to match it`));
    }
    if (seen.has(name)) {
      out.push(diagnosticAt(src, '/metadata/name', `fixtures for "${name}" are declared twice (also in ${seen.get(name)})`, 'keep one file per environment'));
    }
    seen.set(name, src.file);
    const env = catalog.spec.environments.find((e) => e.name === name);
    if (name !== SHARED_FIXTURES_NAME && !env) {
      out.push(
        diagnosticAt(src, '/metadata/name', `fixtures name an unknown environment "${name}"`, `use "shared" or one of: ${catalog.spec.environments.map((e) => e.name).join(', ')}`),
      );
      continue;
    }
    const production = env ? isProductionTier(env.tier) : false;
    const expectedKind = production ? 'VaultInventory' : 'VaultFixtures';
    if (f.data.kind !== expectedKind) {
      out.push(
        diagnosticAt(
          src,
          '/kind',
          `environment "${name}" is ${production ? 'production' : 'non-production'} tier, so its fixtures must be kind ${expectedKind}, not ${f.data.kind}`,
          production ? 'production inventories list key names only' : 'non-production environments use VaultFixtures',
        ),
      );
    }
    for (const e of fileEntries(f, name === SHARED_FIXTURES_NAME)) {
      if (production && (e.spec.value !== undefined || e.spec.generate !== undefined)) {
        out.push(
          diagnosticAt(
            src,
            `${e.pointer}/${e.spec.value !== undefined ? 'value' : 'generate'}`,
            `production inventory entry ${e.path}#${e.key} holds a ${e.spec.value !== undefined ? 'value' : 'generator'}; production inventories hold names only`,
            'remove it and provision the value in Vault out of band',
          ),
        );
      } else if (e.spec.value !== undefined && isCredential(e.key)) {
        out.push(
          diagnosticAt(
            src,
            `${e.pointer}/value`,
            `fixture ${e.path}#${e.key} is a credential-like key with a literal value`,
            'use `generate: deterministic` (or `random`) so the bootstrap creates it in the cluster',
          ),
        );
      } else if (!production && e.spec.value === undefined && e.spec.generate === undefined) {
        out.push(diagnosticAt(src, e.pointer, `fixture ${e.path}#${e.key} says neither how to generate it nor its value`, 'add `generate: deterministic`, `generate: random` or a non-secret `value:`'));
      }
    }
  }
  return out;
}

export function describeEntry(kvMount: string, e: InventoryEntry): string {
  return formatVaultLocation(kvMount, e.path, e.key);
}
