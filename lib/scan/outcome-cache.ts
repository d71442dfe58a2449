import { createRequire } from 'node:module';
import { contentDigest, contentsDigest, CacheLookup, ScanCache } from './cache';
import { severityOf } from './config';
import { helmKey } from './helm-values';
import { packageRoot } from './package-files';
import { VERSION } from '../version';
import type { CatalogState, FileOutcome, ScanOptions } from './engine';
import { collectNow, memoryBudget } from './memory-budget';
import { inRepository, indexDigest, type SourceFile } from './sources';

/**
 * The scan cache as the engine uses it (`ScanOptions.cache`): looks every file up before the file
 * pass, hands the pass the bytes it already read, remembers what the pass found.
 */
export interface OutcomeCache {
  /**
   * The outcomes found, by index into `inputs`. Loads the catalog when a found outcome was made
   * with it. `scanned` is the file pass's `scannedPaths` (a values file is Helm values when its
   * Chart.yaml is among them).
   */
  lookUp(inputs: readonly SourceFile[], scanned: ReadonlySet<string>, catalog: CatalogState, loadCatalog: () => Promise<void>): Promise<Map<number, () => FileOutcome | undefined>>;
  /**
   * One file's lookup (`lookUp` does each in turn): its outcome when found; else the file is
   * noted for `withBytes` and `remember`, with its bytes when `keepBytes` (read once: the pass in
   * one thread takes each file right after its lookup).
   */
  lookUpFile(src: SourceFile, scanned: ReadonlySet<string>, catalog: CatalogState, loadCatalog: () => Promise<void>, keepBytes: boolean): Promise<(() => FileOutcome | undefined) | undefined>;
  /**
   * The source for the file pass: with the bytes the lookup read (a small tree), else reading the
   * file again and noting the digest of what it read.
   */
  withBytes(src: SourceFile): SourceFile;
  /**
   * Remembers fresh outcomes; `usedCatalog(i)` tells whether the i-th one read the catalog,
   * `readDigest(i)` the digest of the bytes it was made from (a worker's, or `withBytes`'s). An
   * outcome of bytes other than those looked up (the file changed in between) is not stored.
   */
  remember(sources: readonly SourceFile[], outcomes: readonly FileOutcome[], usedCatalog: (i: number) => boolean, readDigest?: (i: number) => string | undefined): void;
  /** The digest of what `withBytes`'s source read of a file, if it read. */
  readDigestOf(path: string): string | undefined;
  /** Writes the cache file when this run added to it, then lets go of the entries (`get` finds none after). */
  save(warn: (message: string) => void): void;
  /** Files looked up so far (read and keyed; not those over the size limit or unreadable). */
  readonly keyed: number;
}

/** Dependencies whose code decides outcomes (parsers, glob matching). */
const DEPENDENCIES = ['js-yaml', 'yaml', 'minimatch', 'ignore'];

/**
 * Everything a file's outcome depends on besides the file: the scanner's code (compiled, or the
 * sources when run from them) with the default policy, dependency versions, Node, the user
 * configuration's bytes, the enabled rules and their severities, the mode and roots. Not the date:
 * only files a date-reading rule can read are keyed by it (`datedBy`), so a new day leaves the rest.
 */
function scopeOf(options: ScanOptions, contextRoot: string | undefined): string[] {
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
    JSON.stringify(options.rules.map((r) => [r.meta.id, severityOf(r, options.config)])),
    options.staged ? 'staged' : 'tree',
    JSON.stringify(options.paths ?? []),
    contextRoot ?? '',
    JSON.stringify(options.catalogInputs ?? []),
  ];
}

/**
 * What marks a file whose outcome can depend on the date: the literals of the enabled rules'
 * `readsTodayIn` (expired-allowlist: `ScanConfig`). Any other outcome that read the date is not
 * stored (`FileOutcome.readToday`), so a rule that reads it without saying so stays correct, only uncached.
 */
function datedBy(options: ScanOptions): readonly Buffer[] {
  const reading = options.rules.filter((r) => r.meta.readsTodayIn !== undefined && severityOf(r, options.config) !== 'off');
  return [...new Set(reading.map((r) => r.meta.readsTodayIn!))].map((l) => Buffer.from(l));
}

/** The list fields of an outcome, left out of the cache when empty (most files have none of them). */
const LISTS = ['findings', 'warnings', 'suppressing', 'inline', 'summaries'] as const;

function compact(o: FileOutcome): Partial<FileOutcome> {
  const out: Record<string, unknown> = { ...o };
  for (const k of LISTS) if (o[k].length === 0) delete out[k];
  return out as Partial<FileOutcome>;
}

function expand(c: Partial<FileOutcome>): FileOutcome {
  const out: Record<string, unknown> = { ...c };
  for (const k of LISTS) out[k] ??= [];
  return out as unknown as FileOutcome;
}

/**
 * What the catalog's inputs hold, for keying outcomes of files whose rules read the catalog. A
 * staged scan reads the catalog from the index where the working tree differs there
 * (lib/scan/catalog-loader.ts), so its inputs inside the repository are keyed by their index
 * entries; inputs outside it (an explicit --services elsewhere) are read from disk, so by their bytes.
 */
function catalogInputsDigest(options: ScanOptions): string {
  const inputs = options.catalogInputs ?? [];
  if (!options.staged) return contentsDigest(options.cwd, inputs);
  const inside = inputs.filter((p) => inRepository(options.cwd, p));
  return `${indexDigest(options.cwd, inside)}:${contentsDigest(options.cwd, inputs.filter((p) => !inside.includes(p)))}`;
}

export function openCache(options: ScanOptions, today: string, contextRoot: string | undefined): OutcomeCache {
  const cache = ScanCache.open<Partial<FileOutcome>>(options.cache!, scopeOf(options, contextRoot));
  const dates = datedBy(options);
  const bytes = new Map<string, Buffer>();
  /** Files looked up and not found: their lookup, and what besides bytes and scope keyed it. */
  const lookups = new Map<string, { readonly lookup: CacheLookup; readonly extra: string; readonly dated: boolean }>();
  /** Digests of the bytes the file pass read, by path. */
  const reread = new Map<string, string>();
  let catalogDigest: string | undefined;
  let keyed = 0;
  const catalog = () => (catalogDigest ??= catalogInputsDigest(options));
  return {
    async lookUp(inputs, scanned, state, loadCatalog) {
      const found = new Map<number, () => FileOutcome | undefined>();
      // Every file is read here: collected as the file pass collects, or the reads pile up.
      const collectGarbage = memoryBudget();
      for (let i = 0; i < inputs.length; i++) {
        collectGarbage(inputs[i]!.size);
        // Bytes are kept only until the file pass reads them; a large tree's misses go to workers.
        const hit = await this.lookUpFile(inputs[i]!, scanned, state, loadCatalog, inputs.length < 400);
        if (hit) found.set(i, hit);
      }
      return found;
    },
    async lookUpFile(src, scanned, state, loadCatalog, keepBytes) {
      // A file over the size limit is not read (it is reported as unread at once): nothing to key it by.
      if (src.size > options.config.maxFileSize) return undefined;
      let buf: Buffer;
      try {
        buf = src.read();
      } catch {
        return undefined; // the file pass reports it
      }
      const dated = dates.some((d) => buf.includes(d));
      const extra = dated ? `${helmKey(src.path, scanned, options.cwd)}\u0000today:${today}` : helmKey(src.path, scanned, options.cwd);
      const lookup = cache.lookupFor(src.path, buf, extra);
      keyed++;
      // Made without the catalog, or with the catalog as it is now (its digest is in the key).
      const withCatalog = cache.has(lookup) ? undefined : cache.lookupFor(src.path, lookup, extra, catalog());
      const hit = withCatalog === undefined ? lookup : cache.has(withCatalog) ? withCatalog : undefined;
      if (hit) {
        // Made with the catalog: load it, as the scan that made it did (its notes are the scan's).
        if (hit === withCatalog && !state.loaded) await loadCatalog();
        // Decrypted when taken, in file order: holding every decoded outcome cost more memory than the scan.
        const entry = { id: hit.id, key: hit.key, content: '' };
        return () => {
          const o = cache.get(entry);
          return o === undefined ? undefined : expand(o);
        };
      }
      lookups.set(src.path, { lookup, extra, dated });
      if (keepBytes) bytes.set(src.path, buf);
      return undefined;
    },
    withBytes(src) {
      const buf = bytes.get(src.path);
      const looked = lookups.get(src.path);
      if (buf) {
        bytes.delete(src.path);
        if (looked) reread.set(src.path, looked.lookup.content);
        return { path: src.path, size: src.size, read: () => buf };
      }
      const read = () => {
        const again = src.read();
        reread.set(src.path, contentDigest(again));
        return again;
      };
      return { path: src.path, size: src.size, read };
    },
    remember(sources, outcomes, usedCatalog, readDigest) {
      sources.forEach((src, i) => {
        const looked = lookups.get(src.path);
        const o = outcomes[i]!;
        // Skipped files (unreadable) are looked at again next time.
        if (!looked || !o.read) return;
        const made = readDigest ? readDigest(i) : reread.get(src.path);
        reread.delete(src.path);
        lookups.delete(src.path);
        if (made !== looked.lookup.content) return;
        // Read the date, but not keyed by it: holds for today only.
        if (o.readToday && !looked.dated) return;
        cache.set(usedCatalog(i) ? cache.lookupFor(src.path, looked.lookup, looked.extra, catalog()) : looked.lookup, compact(o));
      });
    },
    readDigestOf(path) {
      return reread.get(path);
    },
    save(warn) {
      cache.save(warn);
      // The project phase that follows needs none of it.
      cache.close();
      lookups.clear();
      bytes.clear();
      reread.clear();
      collectNow();
    },
    get keyed() {
      return keyed;
    },
  };
}
