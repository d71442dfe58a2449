import { createRequire } from 'node:module';
import { contentsDigest, CacheLookup, ScanCache } from './cache';
import { helmKey } from './helm-values';
import { packageRoot } from './package-files';
import { VERSION } from '../version';
import type { CatalogState, FileOutcome, ScanOptions } from './engine';
import type { SourceFile } from './sources';

/**
 * The scan cache as the engine uses it (`ScanOptions.cache`): looks every file up before the file
 * pass, hands the pass the bytes it already read, remembers what the pass found.
 */
export interface OutcomeCache {
  /** The outcomes found, by index into `inputs`. Loads the catalog when a found outcome was made with it. */
  lookUp(inputs: readonly SourceFile[], catalog: CatalogState, loadCatalog: () => Promise<void>): Promise<Map<number, FileOutcome>>;
  /** The source with the bytes the lookup read (read once). */
  withBytes(src: SourceFile): SourceFile;
  /** Remembers fresh outcomes; `usedCatalog(i)` tells whether the i-th one read the catalog. */
  remember(sources: readonly SourceFile[], outcomes: readonly FileOutcome[], usedCatalog: (i: number) => boolean): Promise<void>;
  save(warn: (message: string) => void): void;
  /** Files looked up so far (read and keyed; not those over the size limit or unreadable). */
  readonly keyed: number;
}

/** Dependencies whose code decides outcomes (parsers, glob matching). */
const DEPENDENCIES = ['js-yaml', 'yaml', 'minimatch', 'ignore'];

/**
 * Everything a file's outcome depends on besides the file: the scanner's code (compiled, or the
 * sources when run from them) with the default policy, dependency versions, Node, the user
 * configuration's bytes, the enabled rules and their severities, the date, the mode and roots.
 */
function scopeOf(options: ScanOptions, today: string, contextRoot: string | undefined): string[] {
  const root = packageRoot();
  const fromSources = __filename.endsWith('.ts');
  // By size and modification time, with the package version: an installed package's files all
  // carry the same packed time, so a new version that leaves a file's size alike is told by its version.
  const code = contentsDigest(root, fromSources ? ['lib', 'policies'] : ['build'], (f) => !f.endsWith('.md'), 'stat');
  const policy = contentsDigest(root, ['policies/secretops.config.yaml', 'policies/config.schema.json']);
  const req = createRequire(__filename);
  const versions = DEPENDENCIES.map((d) => `${d}@${(req(`${d}/package.json`) as { version: string }).version}`);
  const config = options.config.file !== undefined ? contentsDigest(options.cwd, [options.config.file]) : 'defaults';
  return [
    VERSION,
    code,
    policy,
    ...versions,
    process.version,
    config,
    JSON.stringify(options.rules.map((r) => [r.meta.id, options.config.severities[r.meta.id] ?? r.meta.defaultSeverity])),
    today,
    options.staged ? 'staged' : 'tree',
    JSON.stringify(options.paths ?? []),
    contextRoot ?? '',
    JSON.stringify(options.catalogInputs ?? []),
  ];
}

export function openCache(options: ScanOptions, today: string, contextRoot: string | undefined): OutcomeCache {
  const cache = ScanCache.open<FileOutcome>(options.cache!, scopeOf(options, today, contextRoot));
  const bytes = new Map<string, Buffer>();
  const lookups = new Map<string, CacheLookup>();
  let catalogDigest: string | undefined;
  let keyed = 0;
  const catalog = () => (catalogDigest ??= contentsDigest(options.cwd, options.catalogInputs ?? []));
  return {
    async lookUp(inputs, state, loadCatalog) {
      const found = new Map<number, FileOutcome>();
      const scanned = new Set(inputs.map((f) => f.path));
      for (let i = 0; i < inputs.length; i++) {
        const src = inputs[i]!;
        // A file over the size limit is not read (it is reported as unread at once): nothing to key it by.
        if (src.size > options.config.maxFileSize) continue;
        let buf: Buffer;
        try {
          buf = src.read();
        } catch {
          continue; // the file pass reports it
        }
        const lookup = cache.lookupFor(src.path, buf, helmKey(src.path, scanned, options.cwd));
        keyed++;
        const hit = cache.get(lookup);
        if (hit && (hit.catalog === undefined || hit.catalog === catalog())) {
          // Made with the catalog: load it, as the scan that made it did (its notes are the scan's).
          if (hit.catalog !== undefined && !state.loaded) await loadCatalog();
          found.set(i, hit.outcome);
          continue;
        }
        lookups.set(src.path, lookup);
        // Bytes are kept only until the file pass reads them; a large tree's misses go to workers.
        if (inputs.length < 400) bytes.set(src.path, buf);
      }
      return found;
    },
    withBytes(src) {
      const buf = bytes.get(src.path);
      if (!buf) return src;
      bytes.delete(src.path);
      return { path: src.path, size: src.size, read: () => buf };
    },
    async remember(sources, outcomes, usedCatalog) {
      sources.forEach((src, i) => {
        const lookup = lookups.get(src.path);
        const o = outcomes[i]!;
        // Skipped files (unreadable) are looked at again next time.
        if (!lookup || !o.read) return;
        cache.set(lookup, { outcome: o, ...(usedCatalog(i) ? { catalog: catalog() } : {}) });
      });
    },
    save(warn) {
      cache.save(warn);
    },
    get keyed() {
      return keyed;
    },
  };
}
