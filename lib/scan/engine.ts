import { isUtf8 } from 'node:buffer';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { minimatch } from 'minimatch';
import type { Project } from '../project/load';
import { todayUtc } from '../clock';
import { severityOf, type ScanConfig } from './config';
import { classifyFile, isParseProblem, parseIgnoreAnnotation, parseSlice, readFileAs, slicesOf, textAs } from './parse';
import { outlineBlockYaml, type DocumentOutline } from './block-outline';
import { byCodePoint, interested, readsDocument, rememberReaders, runRulesDetailed, sortFindings } from './run-rules';
import { deletionsMatter, inPathOrder, runWithDeletions } from './deletions';
import { touches } from './locate';
import { chartBeside, isHelmValuesName } from './helm-values';
import { openCache } from './outcome-cache';
import { memoryBudget } from './memory-budget';
import { CollectedSources, displayPath, SourceFile, stagedFiles, treeContext, walkPaths } from './sources';
import { detached, FileReader, SummaryDocument, summaryFile } from './summary';
import type {
  FileKind,
  Finding,
  ManifestDocument,
  ObjectRef,
  ParseProblem,
  Rule,
  RuleContext,
  ScanFile,
  ScanResult,
  ScanRuleInfo,
  ScanWarning,
  Severity,
  Suppression,
} from './types';

/**
 * The scanner engine: reads sources, splits documents, parses only what some enabled rule is
 * interested in (the fast path), runs document and file rules file by file, project rules once,
 * then applies allowlist entries and reports what was suppressed. Never throws on file content:
 * unreadable input becomes a warning, unparsable input a `parse-error` finding.
 */
export interface ScanOptions {
  readonly cwd: string;
  /** Files and directories to scan, relative to `cwd`. @default ["."] */
  readonly paths?: readonly string[];
  /**
   * Read the git index instead of the working tree: the staged changes are scanned, and the whole
   * index is the cross-file context. The CLI runs staged scans with `cwd` at the repository's top
   * (`lib/scan/staged.ts`). @default false
   */
  readonly staged?: boolean;
  /**
   * Cross-file context for a working-tree scan, relative to `cwd`: project rules (stores, Secret
   * keys, fixtures, dist/ drift) also read the manifests under it, and report only on the scanned
   * files. @default none: the rules see the scanned paths only
   */
  readonly context?: string;
  /** The rules, in policy order (`policies/index.ts`). */
  readonly rules: readonly Rule[];
  readonly config: ScanConfig;
  /**
   * Loads the catalog project. Called only when a rule reads `ctx.project` (a scan whose rules never
   * ask never pays for loading the catalog).
   */
  readonly project?: () => Promise<Project | undefined>;
  /** The services file and fixtures folder, relative to `cwd` (`RuleContext.catalogInputs`). @default none */
  readonly catalogInputs?: readonly string[];
  /** `YYYY-MM-DD` for allowlist expiry. @default `todayUtc()`: `SECRETOPS_TODAY`, else today (UTC) */
  readonly today?: string;
  /** Scan these instead of reading the file system (tests, benchmarks). */
  readonly sources?: CollectedSources;
  /**
   * Read the files in worker threads when the tree is large (not with `staged` or `sources`).
   * Workers rebuild configuration, rules and catalog loader from `spec`, so only a caller whose
   * `spec` describes exactly this scan's may pass it (the CLI does). @default one thread
   */
  readonly parallel?: ParallelOptions;
  /**
   * Remember each file's outcome in this cache file (absolute) and take it from there when the
   * file and everything else deciding its outcome are unchanged (`lib/scan/cache.ts`). The output
   * is byte-identical with and without it. Not with `sources`. @default no cache
   */
  readonly cache?: string;
}

export interface ParallelOptions {
  /** What a worker needs to rebuild the scan's configuration and catalog loader. */
  readonly spec: WorkerSpec;
  /** @default os.availableParallelism() from three cores up, else 1 (see `defaultThreads`) */
  readonly threads?: number;
  /** Use workers from this many files... @default 400 */
  readonly minFiles?: number;
  /** ...or this many bytes. @default 2 MiB */
  readonly minBytes?: number;
}

/** The CLI input a worker rebuilds the scan from (see `lib/scan/scan-worker.ts`). */
export interface WorkerSpec {
  /** The module (absolute path) and export holding the scan's rule list, the same list as `rules`. */
  readonly rules: { readonly module: string; readonly export: string };
  /** `--config`, when given. */
  readonly config?: string;
  readonly services?: string;
  readonly fixtures?: string;
}

/** Thrown by `ctx.project` before the catalog is loaded: the scan loads it and starts over. */
export class CatalogWanted extends Error {}

/**
 * The scan cache of the last `scan` with `cache` set (tests, benchmarks): files found, files
 * looked up and not found, files not looked up (over the size limit, unreadable).
 */
export let lastScanCache: { readonly hits: number; readonly misses: number; readonly unkeyed: number } | undefined;

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const { cwd, config } = options;
  const catalog: CatalogState = { loaded: false };
  const today = options.today ?? todayUtc();
  const enabled = options.rules.filter((r) => severityOf(r, config) !== 'off');
  const sources = options.sources ?? collect(options);
  const warnings: ScanWarning[] = [...sources.warnings];
  // Given sources are exactly what is scanned; a scan of the disk also checks the configuration in force.
  const inputs = options.sources ? sources.files : withConfigFile(sources.files, config, cwd);
  const scannedPaths = new Set(inputs.map((f) => f.path));
  // With a cross-file context the rules' roots are the context, and `ctx.scanned` the scanned files
  // and the staged deletions (findings there, or dueTo them, are the commit's).
  const contextRoot = sources.context?.root;
  const deletedPaths = (sources.deleted ?? []).map((f) => f.path);
  const reportable = deletedPaths.length > 0 ? new Set([...scannedPaths, ...deletedPaths]) : scannedPaths;
  const pass = filePass({ ...options, today, rules: enabled, ...(contextRoot !== undefined ? { contextRoot } : {}) }, catalog, reportable);
  const { contextFor, severities } = pass;
  const perProject = enabled.filter((r) => r.checkProject);
  const summaries = new Map<string, ManifestDocument[]>(pass.summarizing.map((r) => [r.meta.id, []]));

  const findings: Finding[] = [];
  /** Findings each inline suppression kept out, by document (file and index: summaries are other objects). */
  const inline = new Map<string, number>();
  const kept: ManifestDocument[] = [];
  const suppressing: { key: string; suppression: Suppression }[] = [];
  let documents = 0;
  let parsedDocuments = 0;
  let bytes = 0;
  let skippedFiles = 0;
  /** Documents of the scanned files some rule read: without one, a cross-file context is not read. */
  let wanted = 0;
  // One reader and one file object per file, shared by its summary documents.
  const keepSummaries = (src: SourceFile, o: FileOutcome, into = summaries, keptInto = kept) => {
    if (o.kept) keptInto.push(...o.kept);
    if (o.summaries.length === 0) return;
    const reader = sourceReader(src, o.kind!);
    const file = summaryFile({ path: src.path, kind: o.kind!, ...(o.helmValues ? { helmValues: true } : {}) }, reader);
    for (const s of o.summaries) into.get(s.rule)!.push(new SummaryDocument(file, s.index, s.value, s.object, s.suppressed, reader, s.problem));
  };
  const absorb = (src: SourceFile, o: FileOutcome) => {
    warnings.push(...o.warnings);
    if (!o.read) {
      skippedFiles++;
      return;
    }
    // An unread file (over maxFileSize, binary, not UTF-8) is reported by parse-error, not counted as read.
    if (o.unread) skippedFiles++;
    else bytes += src.size;
    documents += o.documents;
    parsedDocuments += o.parsedDocuments;
    wanted += o.wanted;
    findings.push(...o.findings);
    suppressing.push(...o.suppressing);
    for (const [key, n] of o.inline) inline.set(key, (inline.get(key) ?? 0) + n);
    keepSummaries(src, o);
  };
  // A document or file rule asked for the catalog: load it and read the file again. Rules are pure
  // functions of their input and the file's outcome is taken only when complete, so nothing is
  // counted twice; files before it did not ask, so they stand.
  const loadCatalog = async () => {
    catalog.project = await options.project?.();
    catalog.loaded = true;
  };
  const passWithCatalog = async (src: SourceFile): Promise<FileOutcome> => {
    try {
      return await passFile(src, pass);
    } catch (err) {
      if (!(err instanceof CatalogWanted)) throw err;
      await loadCatalog();
      return passFile(src, pass);
    }
  };

  // Files the cache knows are taken from it; only the others are read and checked (in threads when many).
  const cache = options.cache !== undefined && !options.sources && !pass.keepWhole ? openCache(options, today, contextRoot) : undefined;
  const mayThread = options.parallel !== undefined && !options.staged && !options.sources && !pass.keepWhole;
  // Looked up ahead only when the misses may go to workers; in one thread each file is looked up
  // right before the pass takes it, and read once.
  const ahead = cache !== undefined && mayThread && threadsFor(inputs, options.parallel!) > 1;
  const fromCache = cache && ahead ? await cache.lookUp(inputs, pass.scannedPaths, catalog, loadCatalog) : new Map<number, () => FileOutcome | undefined>();
  /** Files found in the cache, and found entries that did not decrypt (damaged or altered: checked afresh when taken). */
  let hits = 0;
  let spoiled = 0;
  const taken = async (src: SourceFile, found: () => FileOutcome | undefined): Promise<FileOutcome> => {
    hits++;
    const o = found();
    if (o) return o;
    spoiled++;
    return passWithCatalog(src);
  };
  const fresh = fromCache.size === 0 ? inputs : inputs.filter((_, i) => !fromCache.has(i));
  const threads = mayThread ? threadsFor(fresh, options.parallel!) : 1;
  // Threads share the process's memory: each collects after a quarter of the single thread's budget.
  const collectGarbage = memoryBudget(threads > 1 ? THREAD_GC_BUDGET : undefined);
  const absorbAll = async (outcomes: readonly FileOutcome[]) => {
    let j = 0;
    for (let i = 0; i < inputs.length; i++) {
      const found = fromCache.get(i);
      absorb(inputs[i]!, found ? await taken(inputs[i]!, found) : outcomes[j++]!);
    }
  };
  if (threads > 1) {
    const { passInWorkers } = await import('./parallel.js');
    // The main thread reads chunks too, and collects its garbage as it would alone.
    const local = (src: SourceFile) => (collectGarbage(src.size), passWithCatalog(src));
    const init = {
      cwd,
      today,
      paths: options.paths ?? [],
      spec: options.parallel!.spec,
      catalogLoaded: catalog.loaded,
      ...(contextRoot !== undefined ? { contextRoot } : {}),
      ...(options.catalogInputs ? { catalogInputs: options.catalogInputs } : {}),
    };
    const { outcomes, digests, catalogWanted } = await passInWorkers(fresh, threads, cache ? { ...init, digests: true } : init, (src) => local(cache?.withBytes(src) ?? src));
    // A worker loaded the catalog for its own files: load it here too, so that notes and project
    // rules are what a scan in one thread gives.
    if (catalogWanted && !catalog.loaded) await loadCatalog();
    // Which of a worker's files read the catalog is not known here: each counts as having read it.
    // The main thread's own chunks read through `withBytes`, which notes their digests.
    if (cache) cache.remember(fresh, outcomes, () => true, (i) => digests[i] ?? cache.readDigestOf(fresh[i]!.path));
    await absorbAll(outcomes);
  } else {
    // Each outcome is taken in as soon as it is made (holding them all cost 45 MB on 100,000 documents).
    for (let i = 0; i < inputs.length; i++) {
      const src = inputs[i]!;
      collectGarbage(src.size);
      const found = fromCache.get(i) ?? (cache && !ahead ? await cache.lookUpFile(src, pass.scannedPaths, catalog, loadCatalog, true) : undefined);
      if (found) {
        absorb(src, await taken(src, found));
        continue;
      }
      const reads = catalog.reads ?? 0;
      const o = await passWithCatalog(cache?.withBytes(src) ?? src);
      if (cache) cache.remember([src], [o], () => (catalog.reads ?? 0) > reads);
      absorb(src, o);
    }
  }
  if (cache) {
    cache.save((message) => warnings.push({ file: displayPath(cwd, resolve(cwd, options.cache!)), message }));
    lastScanCache = { hits: hits - spoiled, misses: cache.keyed - hits + spoiled, unkeyed: inputs.length - cache.keyed };
  }
  // Context files and deleted files are summarized (or kept whole) for the project rules only;
  // nothing is reported about them by the per-file rules, and what cannot be read is left out
  // quietly: the scan was not asked about them.
  const contextPass: FilePass = { ...pass, plan: fastPath(perProject), perFile: [] };
  // Staged deletions, as they were before the commit (lib/scan/deletions.ts).
  const removed = new Map<string, ManifestDocument[]>(pass.summarizing.map((r) => [r.meta.id, []]));
  const removedWhole: ManifestDocument[] = [];
  if (perProject.length > 0) {
    for (const src of sources.deleted ?? []) {
      const o = await passFile(src, contextPass);
      if (o.read && !o.unread) keepSummaries(src, o, removed, removedWhole);
    }
  }
  const deletions = deletedPaths.length > 0 && deletionsMatter([...removed.values(), removedWhole], deletedPaths, options.catalogInputs);
  if (perProject.length > 0 && sources.context && (wanted > 0 || deletions)) {
    // Only when a scanned document (or a deleted one) is one some rule reads: a commit of
    // unrelated files does not pay for listing and reading the rest of the repository.
    for (const src of sources.context.files()) {
      if (scannedPaths.has(src.path)) continue;
      collectGarbage(src.size);
      const o = await passFile(src, contextPass);
      if (o.read && !o.unread) keepSummaries(src, o);
    }
    // In path order, as a scan of the whole tree hands them over (rules that name a "first" copy agree).
    kept.sort(inPathOrder);
    for (const docs of summaries.values()) docs.sort(inPathOrder);
  }
  if (perProject.length > 0) {
    // With a cross-file context, findings are reported for the scanned files (or dueTo one of them);
    // a staged deletion counts as scanned.
    const keep = sources.context ? (f: Finding, r: { dueTo?: readonly string[] }) => reportable.has(f.file) || (r.dueTo ?? []).some((p) => touches(reportable, p)) : undefined;
    // One rule at a time: each gets its own summaries (or the documents kept whole).
    const runProject = async () => {
      const out: Awaited<ReturnType<typeof runRulesDetailed>> = { findings: [], suppressed: [] };
      for (const rule of perProject) {
        const docs = rule.summarize ? summaries.get(rule.meta.id)! : kept;
        const gone = deletions ? (rule.summarize ? removed.get(rule.meta.id)! : removedWhole) : [];
        const run = await runWithDeletions((d, k) => runRulesDetailed({ rules: [rule], files: [], docs: d, context: contextFor, severities, ...(k ? { keep: k } : {}) }), docs, gone, keep);
        out.findings.push(...run.findings);
        out.suppressed.push(...run.suppressed);
      }
      return out;
    };
    let run: Awaited<ReturnType<typeof runProject>>;
    try {
      run = await runProject();
    } catch (err) {
      // A project rule asked for the catalog: load it and run the project phase again (the
      // per-file phase did not need it, so it stands).
      if (!(err instanceof CatalogWanted)) throw err;
      await loadCatalog();
      run = await runProject();
    }
    findings.push(...run.findings);
    for (const s of run.suppressed) inline.set(docKey(s.doc), (inline.get(docKey(s.doc)) ?? 0) + 1);
  }

  const { reported, allowlisted } = applyAllowlist(findings, config, today);
  const suppressions: Suppression[] = [
    ...suppressing.map(({ key, suppression }) => ({ ...suppression, suppressed: inline.get(key) ?? 0 })),
    ...allowlistSuppressions(config, today, allowlisted),
  ];
  return {
    version: 1,
    findings: sortFindings(reported),
    stats: { files: inputs.length - skippedFiles, documents, parsedDocuments, bytes, skippedFiles },
    warnings: warnings.sort((a, b) => byCodePoint(a.file, b.file) || byCodePoint(a.message, b.message)),
    suppressions,
    rules: enabled.map(
      (r): ScanRuleInfo => ({ id: r.meta.id, description: r.meta.description, remediation: r.meta.remediation, docs: r.meta.docs, severity: severityOf(r, config) as Severity }),
    ),
  };
}

/** The allowlist entries still in force, each with how many findings it suppressed. */
function allowlistSuppressions(config: ScanOptions['config'], today: string, allowlisted: ReadonlyMap<number, number>): Suppression[] {
  return config.allowlist
    .filter((e) => e.expires >= today)
    .map((e, i): Suppression => ({
      kind: 'allowlist',
      rules: [e.rule],
      reason: e.reason,
      file: e.file,
      line: e.position.line,
      column: e.position.column,
      path: e.path,
      expires: e.expires,
      suppressed: allowlisted.get(i) ?? 0,
    }));
}

/** Whether the catalog was loaded yet (rules ask for it through `ctx.project`), and what it is. */
export interface CatalogState {
  loaded: boolean;
  project?: Project;
  /** How often a rule read `ctx.project` once it was loaded (the cache tells which files depend on the catalog). */
  reads?: number;
}

/** What the file pass needs, built the same way in the main thread and in workers. */
export interface FilePass {
  readonly cwd: string;
  readonly config: ScanConfig;
  readonly plan: ReturnType<typeof fastPath>;
  readonly perFile: readonly Rule[];
  /** Project rules with `summarize`. */
  readonly summarizing: readonly Rule[];
  /** Some project rule has no `summarize`: documents are kept whole for it (one thread only). */
  readonly keepWhole: boolean;
  readonly contextFor: (rule: Rule) => RuleContext;
  readonly severities: Readonly<Record<string, Severity | 'off'>>;
  /** Every path of the scan (a values file is Helm values when its chart's Chart.yaml is among them). */
  readonly scannedPaths: ReadonlySet<string>;
  /** How often rules read `ctx.today` so far (`FileOutcome.readToday`). */
  readonly todayReads: () => number;
}

/** `rules` are the enabled rules; `project` loads the catalog the first time a rule asks (see `CatalogWanted`). */
export function filePass(
  options: Pick<ScanOptions, 'cwd' | 'config' | 'paths' | 'staged' | 'project' | 'sources' | 'catalogInputs'> & {
    readonly rules: readonly Rule[];
    readonly today: string;
    /** The root of the scan's cross-file context (`CrossFileContext.root`), when it has one. */
    readonly contextRoot?: string;
  },
  catalog: CatalogState,
  scannedPaths: ReadonlySet<string>,
): FilePass {
  const { cwd, config, rules, today } = options;
  // One context per rule for the whole scan (not one per rule and file).
  const contexts = new Map<string, RuleContext>();
  /** Reads of `ctx.today`: a file whose rules read it has an outcome of this date only (`FileOutcome.readToday`). */
  let todayReads = 0;
  const contextFor = (rule: Rule): RuleContext => {
    let ctx = contexts.get(rule.meta.id);
    if (!ctx) {
      ctx = {
        isCredentialKey: config.isCredentialKey,
        cwd,
        options: config.options[rule.meta.id] ?? {},
        get today() {
          todayReads++;
          return today;
        },
        roots: options.contextRoot !== undefined ? [options.contextRoot] : options.sources ? undefined : options.paths && options.paths.length > 0 ? options.paths : ['.'],
        staged: options.staged ?? false,
        ...(options.contextRoot !== undefined ? { scanned: scannedPaths } : {}),
        ...(options.catalogInputs ? { catalogInputs: options.catalogInputs } : {}),
        get project() {
          if (!catalog.loaded && options.project) throw new CatalogWanted();
          catalog.reads = (catalog.reads ?? 0) + 1;
          return catalog.project;
        },
      };
      contexts.set(rule.meta.id, ctx);
    }
    return ctx;
  };
  const perProject = rules.filter((r) => r.checkProject);
  return {
    cwd,
    config,
    plan: fastPath(rules, config),
    perFile: rules.filter((r) => r.checkDocument || r.checkFile),
    // Project rules with `summarize` keep small per-document summaries; the others (older
    // contract) get every document some rule read, kept whole.
    summarizing: perProject.filter((r) => r.summarize),
    keepWhole: perProject.some((r) => !r.summarize),
    contextFor,
    severities: Object.fromEntries(rules.map((r) => [r.meta.id, severityOf(r, config)])),
    scannedPaths,
    todayReads: () => todayReads,
  };
}

/** A project rule's summary of one document, as data (it crosses from a worker to the main thread). */
export interface SummaryRecord {
  readonly rule: string;
  readonly index: number;
  readonly value: unknown;
  readonly object?: ObjectRef;
  readonly suppressed: readonly string[];
  readonly problem?: ParseProblem;
}

/** What reading one file gave, as data: the main thread adds the outcomes up in file order. */
export interface FileOutcome {
  /** False when the file was skipped (see `warnings`). */
  readonly read: boolean;
  /**
   * The file was not read as text (over `maxFileSize`, a NUL byte, not UTF-8): its unread-file
   * problem is in `findings` (parse-error), and it counts as skipped.
   */
  readonly unread?: boolean;
  /** Documents some enabled rule read (parsed for a rule, not only for syntax). */
  readonly wanted: number;
  readonly kind?: FileKind;
  readonly helmValues?: boolean;
  readonly documents: number;
  readonly parsedDocuments: number;
  readonly findings: readonly Finding[];
  readonly warnings: readonly ScanWarning[];
  /** Inline suppressions in force, by document key; counts are added at the end. */
  readonly suppressing: readonly { readonly key: string; readonly suppression: Suppression }[];
  /** Findings of this file inline suppressions kept out, by document key. */
  readonly inline: readonly (readonly [string, number])[];
  readonly summaries: readonly SummaryRecord[];
  /** Documents kept whole for project rules without `summarize` (main thread only). */
  readonly kept?: readonly ManifestDocument[];
  /** A rule read `ctx.today` for this file: its outcome holds only for this date (the cache keys it so). */
  readonly readToday?: true;
}

/**
 * Reads one file: decode, split, parse what some rule reads (the fast path), run document and
 * file rules, summarize for project rules. Throws `CatalogWanted` when a rule asks for a catalog
 * not loaded yet (the caller loads it and calls again).
 */
export async function passFile(src: SourceFile, pass: FilePass): Promise<FileOutcome> {
  const warnings: ScanWarning[] = [];
  const todayReads = pass.todayReads();
  const file = readScanFile(src, pass.config, pass.cwd, pass.scannedPaths, warnings);
  if (!file) return { read: false, wanted: 0, documents: 0, parsedDocuments: 0, findings: [], warnings, suppressing: [], inline: [], summaries: [] };
  const unread = file.problems?.some((p) => p.unread) ?? false;
  const { plan } = pass;
  const docs: ManifestDocument[] = [];
  const suppressing: { key: string; suppression: Suppression }[] = [];
  let documents = 0;
  let parsedDocuments = 0;
  if (!unread && (file.kind === 'yaml' || file.kind === 'json')) {
    const slices = slicesOf(file);
    documents = slices.length;
    // Outlines readFileAs made on the way (files with `{{ }}` in their values), in slice order.
    const known = outlinesOf.get(file);
    for (const [i, slice] of slices.entries()) {
      let readers = plan.readersOf(slice.text);
      if (readers.length === 0 && !plan.syntax) continue;
      // The block-YAML outline (a fraction of a parse) lets rules that read outlines turn a
      // document down (when every interested rule does, it is not parsed; else those rules skip
      // it), and vouches for the syntax of one no rule reads: then it is not parsed either.
      let outline: DocumentOutline | undefined;
      let outlined = false;
      const outlineOf = () => {
        if (!outlined) outline = known && known.length === slices.length ? known[i] : outlineBlockYaml(slice.text);
        outlined = true;
        return outline;
      };
      if (plan.refinable(readers) && outlineOf()) readers = plan.narrow(readers, slice.text, outline!, file, pass.contextFor);
      if (readers.length === 0 && (!plan.syntax || outlineOf())) continue;
      parsedDocuments++;
      const parsed = parseSlice(file, slice, outlined ? { outline } : undefined);
      if (isParseProblem(parsed)) (file.problems as ParseProblem[]).push(parsed);
      else if (parsed.problem) (file.problems as ParseProblem[]).push(parsed.problem);
      if (!isParseProblem(parsed) && readers.length > 0) {
        rememberReaders(parsed, readers);
        docs.push(parsed);
        if (parsed.suppressed.size > 0) suppressing.push({ key: docKey(parsed), suppression: inlineSuppression(parsed) });
      }
    }
  }
  const made: SummaryRecord[] = [];
  for (const d of docs) {
    let identity: Pick<SummaryRecord, 'index' | 'object' | 'suppressed' | 'problem'> | undefined;
    for (const rule of pass.summarizing) {
      if (!readsDocument(rule, d)) continue;
      const value = rule.summarize!(d);
      if (value === undefined) continue;
      identity ??= { index: d.index, ...(d.object ? { object: d.object } : {}), suppressed: [...d.suppressed], ...(d.problem ? { problem: d.problem } : {}) };
      made.push({ rule: rule.meta.id, value, ...identity });
    }
  }
  // Kept summaries hold no slice of the file's text (a slice keeps the whole text alive): one
  // clone of the file's records, not one per record (a clone's fixed cost was 3% of a large scan).
  const summaries = made.length > 0 ? detached(made) : made;
  const run = await runRulesDetailed({ rules: pass.perFile, files: [file], docs, context: pass.contextFor, severities: pass.severities });
  const inline = new Map<string, number>();
  for (const s of run.suppressed) inline.set(docKey(s.doc), (inline.get(docKey(s.doc)) ?? 0) + 1);
  return {
    read: true,
    ...(unread ? { unread: true } : {}),
    wanted: docs.length,
    kind: file.kind,
    ...(file.helmValues ? { helmValues: true } : {}),
    documents,
    parsedDocuments,
    findings: run.findings,
    warnings,
    suppressing,
    inline: [...inline],
    summaries,
    ...(pass.keepWhole ? { kept: docs } : {}),
    ...(pass.todayReads() > todayReads ? { readToday: true as const } : {}),
  };
}

/**
 * How many threads read the files: a small scan (a pre-commit hook) stays in one thread, since
 * starting a worker (loading the scanner and its rules again) costs more than it saves there.
 */
function threadsFor(inputs: readonly SourceFile[], parallel: ParallelOptions): number {
  const threads = parallel.threads ?? defaultThreads();
  // Workers run the compiled scanner (build/); run from TypeScript sources (tests under tsx),
  // the scan stays in one thread. test/scan/parallel.test.ts runs the compiled CLI both ways.
  if (threads <= 1 || __filename.endsWith('.ts')) return 1;
  const bytes = inputs.reduce((n, f) => n + f.size, 0);
  return inputs.length >= (parallel.minFiles ?? PARALLEL_MIN_FILES) || bytes >= (parallel.minBytes ?? PARALLEL_MIN_BYTES) ? threads : 1;
}

/**
 * Threads by default: every core, from three cores up. On two cores a worker beside the main
 * thread did not pay even on 100,000 documents (1.11x the one-thread wall time, 1.46x its CPU
 * time, 322 against 288 MB: docs/scanner.md), since each worker loads the scanner again and
 * collects its own garbage.
 */
function defaultThreads(): number {
  const cores = availableParallelism();
  return cores >= MIN_CORES_FOR_THREADS ? cores : 1;
}

const MIN_CORES_FOR_THREADS = 3;

/** Bytes read between collections per thread when several threads read (`memoryBudget`). */
export const THREAD_GC_BUDGET = 8 * 1024 * 1024;

/** Below these a scan runs in one thread (measured: see docs/scanner.md, "Performance"). */
const PARALLEL_MIN_FILES = 400;
const PARALLEL_MIN_BYTES = 2 * 1024 * 1024;

function collect(options: ScanOptions): CollectedSources {
  const sel = { include: options.config.include, exclude: options.config.exclude };
  if (options.staged) return stagedFiles(options.cwd, options.paths ?? [], sel);
  const walked = walkPaths(options.cwd, options.paths ?? [], sel);
  return options.context === undefined ? walked : { ...walked, context: treeContext(options.cwd, options.context, sel) };
}

export { severityOf };

/**
 * Which documents to parse. A rule with an `interest` sees only documents whose raw text matches
 * it; one without sees every document, which turns the fast path off. With parse-error enabled
 * the other documents are still parsed for syntax (unless its `everyDocument` option is false),
 * but no rule looks at them. Documents are kept in memory
 * only when a project rule needs them all at the end.
 */
export interface FastPath {
  /** The rules that read documents and whose `interest` matches this raw text. */
  readersOf(text: string): Rule[];
  /** Some of these rules read outlines (`RuleMeta.readsOutline`): an outline may turn the document down for them. */
  refinable(readers: readonly Rule[]): boolean;
  /** The rules that can report on a document with this outline (those that do not read outlines, and those whose outline says so). */
  narrow(readers: readonly Rule[], text: string, outline: DocumentOutline, file: Pick<ScanFile, 'path' | 'helmValues'>, contextFor: (rule: Rule) => RuleContext): Rule[];
  keepDocuments: boolean;
  syntax: boolean;
}

export function fastPath(rules: readonly Rule[], config?: ScanConfig): FastPath {
  const readers = rules.filter((r) => r.checkDocument || r.checkProject);
  return {
    readersOf: (text) => readers.filter((r) => interested(r, text)),
    refinable: (found) => found.some((r) => r.meta.readsOutline),
    narrow: (found, text, outline, file, contextFor) => found.filter((r) => !r.meta.readsOutline || r.meta.readsOutline(outline, file, contextFor(r), text)),
    keepDocuments: rules.some((r) => r.checkProject),
    // A rule that reports parse problems has every document checked for syntax, unless its
    // `everyDocument: false` option limits it to the documents other rules read.
    syntax: rules.some((r) => r.meta.handlesParseProblems && config?.options[r.meta.id]?.everyDocument !== false),
  };
}

/** The user configuration file is scanned too when it has allowlist entries (their expiry is checked). */
function withConfigFile(files: readonly SourceFile[], config: ScanConfig, cwd: string): readonly SourceFile[] {
  if (!config.file || config.allowlist.length === 0 || files.some((f) => f.path === config.file) || !existsSync(resolve(cwd, config.file))) return files;
  const walked = walkPaths(cwd, [config.file], { include: [], exclude: [] });
  return [...files, ...walked.files];
}

/** Reads and decodes one source; anything the scanner cannot read as text becomes a warning. */
function readScanFile(src: SourceFile, config: ScanConfig, cwd: string, scanned: ReadonlySet<string>, warnings: ScanWarning[]): ScanFile | undefined {
  const kind0 = classifyFile(src.path);
  if (!kind0) {
    warnings.push({ file: src.path, message: 'not a YAML, JSON or Helm template file: skipped' });
    return undefined;
  }
  // A manifest that is not read would pass as clean: over the size limit, binary or not UTF-8 it
  // becomes an unread-file problem, which parse-error reports as an error finding.
  const unread = (message: string): ScanFile => ({ path: src.path, text: '', kind: kind0, problems: [{ message, line: 1, column: 1, unread: true }] });
  if (src.size > config.maxFileSize) {
    return unread(`not scanned: larger than maxFileSize (${src.size} > ${config.maxFileSize} bytes), so a secret in it would go unseen; split the file or raise maxFileSize`);
  }
  let buf: Buffer;
  try {
    buf = src.read();
  } catch (err) {
    warnings.push({ file: src.path, message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): skipped` });
    return undefined;
  }
  const utf16 = decodeUtf16(buf);
  if (utf16 === undefined && buf.includes(0)) return unread('not scanned: the file holds a NUL byte (binary, or UTF-16/32 without a byte order mark); store manifests as UTF-8 text');
  if (utf16 === undefined && !isUtf8(buf)) return unread('not scanned: not valid UTF-8; store manifests as UTF-8 text');
  const read = decodeText(src.path, buf, kind0, utf16);
  const kind = read.kind;
  const helmValues = kind === 'yaml' && isHelmValuesName(src.path) && chartBeside(src.path, scanned, cwd);
  const problems: ParseProblem[] = [];
  const file: ScanFile = { path: src.path, text: read.text, kind, ...(helmValues ? { helmValues } : {}), problems };
  if (read.outlines) outlinesOf.set(file, read.outlines);
  return file;
}

/** Outlines of a file's documents that reading it made already (`readFileAs`). */
const outlinesOf = new WeakMap<ScanFile, readonly (DocumentOutline | undefined)[]>();

/**
 * UTF-16 text with a byte order mark, decoded: YAML allows it and go-yaml, which kubectl's YAML
 * reading builds on, detects it from the mark (gopkg.in/yaml.v2 readerc.go,
 * yaml_parser_determine_encoding), so such a manifest is scanned rather than skipped as binary.
 */
function decodeUtf16(buf: Buffer): string | undefined {
  const le = buf[0] === 0xff && buf[1] === 0xfe;
  const be = buf[0] === 0xfe && buf[1] === 0xff;
  if (!le && !be) return undefined;
  // UTF-32LE starts with FF FE 00 00: not UTF-16.
  if (le && buf[2] === 0 && buf[3] === 0) return undefined;
  try {
    return new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(buf);
  } catch {
    return undefined;
  }
}

/**
 * The text rules see of a file's bytes (UTF-8, or UTF-16 with a byte order mark), and its kind:
 * BOM removed, templates told from YAML. The scan and the re-read of summary documents both
 * decode here, so positions agree.
 */
function decodeText(path: string, buf: Buffer, kind: FileKind, utf16 = decodeUtf16(buf)): NonNullable<ReturnType<typeof readFileAs>> {
  const text = decodeBytes(buf, utf16);
  return readFileAs(path, text) ?? { kind, text };
}

function decodeBytes(buf: Buffer, utf16 = decodeUtf16(buf)): string {
  const text = utf16 ?? buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a source again, decoded and split as the scan read it: summary documents keep no text,
 * and the few that a finding needs a position in (or a rule the text of) read it here. The kind
 * the scan gave the file is known, so it is not told again (that parses a file with `{{ }}`).
 */
function sourceReader(src: SourceFile, kind: FileKind): FileReader {
  return new FileReader(() => ({ kind, text: textAs(kind, decodeBytes(src.read())) }));
}

function docKey(doc: ManifestDocument): string {
  return `${doc.file.path}\u0000${doc.index}`;
}

/** Moves findings an unexpired allowlist entry covers out of the result, counting per entry. */
function applyAllowlist(findings: readonly Finding[], config: ScanConfig, today: string): { reported: Finding[]; allowlisted: Map<number, number> } {
  const allowlisted = new Map<number, number>();
  const live = config.allowlist.filter((e) => e.expires >= today);
  const reported = findings.filter((f) => {
    const i = live.findIndex((e) => e.rule === f.ruleId && minimatch(f.file, e.path, { dot: true }));
    if (i < 0) return true;
    allowlisted.set(i, (allowlisted.get(i) ?? 0) + 1);
    return false;
  });
  return { reported, allowlisted };
}

const IGNORE_POINTER = '/metadata/annotations/secretops.dev~1ignore';

/** The suppression an annotated document puts in force; `suppressed` is counted at the end. */
function inlineSuppression(doc: ManifestDocument): Suppression {
  const raw = (doc.value as { metadata: { annotations: Record<string, string> } }).metadata.annotations['secretops.dev/ignore'];
  const parsed = parseIgnoreAnnotation(raw)!;
  const pos = doc.positionOf(IGNORE_POINTER);
  return {
    kind: 'inline',
    rules: parsed.rules,
    reason: parsed.reason,
    file: doc.file.path,
    line: pos.line,
    column: pos.column,
    ...(doc.object ? { object: doc.object } : {}),
    suppressed: 0,
  };
}
