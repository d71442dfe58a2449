import { isUtf8 } from 'node:buffer';
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { minimatch } from 'minimatch';
import type { Project } from '../project/load';
import { todayUtc } from '../clock';
import type { ScanConfig } from './config';
import { classifyFile, DocumentSlice, isParseProblem, parseIgnoreAnnotation, parseSlice, readFileAs, splitDocuments } from './parse';
import { byCodePoint, interested, runRulesDetailed, sortFindings } from './run-rules';
import { touches } from './locate';
import { CollectedSources, SourceFile, stagedFiles, treeContext, walkPaths } from './sources';
import type {
  Finding,
  ManifestDocument,
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
   * index is the cross-file context. @default false
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
}

/** Thrown by `ctx.project` before the catalog is loaded: the scan loads it and starts over. */
class CatalogWanted extends Error {}

export async function scan(options: ScanOptions): Promise<ScanResult> {
  try {
    return await scanWith(options, { loaded: false });
  } catch (err) {
    if (!(err instanceof CatalogWanted)) throw err;
    // A document or file rule asked for the catalog. Rules are pure functions of their input, so
    // starting over with it is safe; the first access happens early (usually on the first
    // document), so little work is repeated.
    return scanWith(options, { loaded: true, project: await options.project?.() });
  }
}

async function scanWith(options: ScanOptions, catalog: { loaded: boolean; project?: Project }): Promise<ScanResult> {
  const { cwd, config } = options;
  const today = options.today ?? todayUtc();
  const enabled = options.rules.filter((r) => severityOf(r, config) !== 'off');
  const sources = options.sources ?? collect(options);
  const warnings: ScanWarning[] = [...sources.warnings];
  // Given sources are exactly what is scanned; a scan of the disk also checks the configuration in force.
  const inputs = options.sources ? sources.files : withConfigFile(sources.files, config, cwd);
  const plan = fastPath(enabled, config);
  const scannedPaths = new Set(inputs.map((f) => f.path));
  const contextFor = ruleContexts(options, today, catalog, sources, scannedPaths);
  const severities = Object.fromEntries(enabled.map((r) => [r.meta.id, severityOf(r, config)]));
  const perFile = enabled.filter((r) => r.checkDocument || r.checkFile).map((r) => ({ meta: r.meta, checkDocument: r.checkDocument, checkFile: r.checkFile }));
  const perProject = enabled.filter((r) => r.checkProject).map((r) => ({ meta: r.meta, checkProject: r.checkProject }));

  const findings: Finding[] = [];
  const inline = new Map<ManifestDocument, number>();
  const countInline = (suppressed: readonly { readonly doc: ManifestDocument }[]) => {
    for (const s of suppressed) inline.set(s.doc, (inline.get(s.doc) ?? 0) + 1);
  };
  const kept: ManifestDocument[] = [];
  const suppressingDocs: ManifestDocument[] = [];
  const counts = { documents: 0, parsedDocuments: 0 };
  let bytes = 0;
  let skippedFiles = 0;

  const collectGarbage = memoryBudget();
  for (const src of inputs) {
    collectGarbage(src.size);
    const file = readScanFile(src, config, cwd, scannedPaths, warnings);
    if (!file) {
      skippedFiles++;
      continue;
    }
    const unread = file.problems?.some((p) => p.unread) ?? false;
    if (unread) skippedFiles++;
    else bytes += src.size;
    const docs = unread ? [] : wantedDocuments(file, plan, counts);
    for (const d of docs) if (d.suppressed.size > 0) suppressingDocs.push(d);
    if (plan.keepDocuments) kept.push(...docs);
    const run = await runRulesDetailed({ rules: perFile, files: [file], docs, context: contextFor, severities });
    findings.push(...run.findings);
    countInline(run.suppressed);
  }
  if (perProject.length > 0 && sources.context && kept.length > 0) {
    // Only when a scanned document is one a project rule reads: a commit of unrelated files does
    // not pay for listing and reading the rest of the repository.
    kept.push(...contextDocuments(sources.context.files(), scannedPaths, fastPath(perProject as Rule[]), config, cwd));
    // In path order, as a scan of the whole tree hands them over (rules that name a "first" copy agree).
    kept.sort((a, b) => byCodePoint(a.file.path, b.file.path) || a.index - b.index);
  }
  if (perProject.length > 0) {
    // With a cross-file context, findings are reported for the scanned files (or dueTo one of them).
    const keep = sources.context ? (f: Finding, r: { dueTo?: readonly string[] }) => scannedPaths.has(f.file) || (r.dueTo ?? []).some((p) => touches(scannedPaths, p)) : undefined;
    const run = await runProjectPhase(() => runRulesDetailed({ rules: perProject, files: [], docs: kept, context: contextFor, severities, ...(keep ? { keep } : {}) }), options, catalog);
    findings.push(...run.findings);
    countInline(run.suppressed);
  }

  const { reported, allowlisted } = applyAllowlist(findings, config, today);
  return {
    version: 1,
    findings: sortFindings(reported),
    stats: { files: inputs.length - skippedFiles, documents: counts.documents, parsedDocuments: counts.parsedDocuments, bytes, skippedFiles },
    warnings: warnings.sort((a, b) => byCodePoint(a.file, b.file) || byCodePoint(a.message, b.message)),
    suppressions: [...suppressingDocs.map((d) => inlineSuppression(d, inline.get(d) ?? 0)), ...allowlistSuppressions(config, today, allowlisted)],
    rules: enabled.map(
      (r): ScanRuleInfo => ({ id: r.meta.id, description: r.meta.description, remediation: r.meta.remediation, docs: r.meta.docs, severity: severityOf(r, config) as Severity }),
    ),
  };
}

/** One context per rule for the whole scan (not one per rule and file); the catalog is loaded only when a rule reads it. */
function ruleContexts(
  options: ScanOptions,
  today: string,
  catalog: { loaded: boolean; project?: Project },
  sources: CollectedSources,
  scanned: ReadonlySet<string>,
): (rule: Rule) => RuleContext {
  const { cwd, config } = options;
  const contexts = new Map<string, RuleContext>();
  return (rule) => {
    let ctx = contexts.get(rule.meta.id);
    if (!ctx) {
      ctx = {
        isCredentialKey: config.isCredentialKey,
        cwd,
        options: config.options[rule.meta.id] ?? {},
        today,
        roots: sources.context ? [sources.context.root] : options.sources ? undefined : options.paths && options.paths.length > 0 ? options.paths : ['.'],
        staged: options.staged ?? false,
        ...(sources.context ? { scanned } : {}),
        ...(options.catalogInputs ? { catalogInputs: options.catalogInputs } : {}),
        get project() {
          if (!catalog.loaded && options.project) throw new CatalogWanted();
          return catalog.project;
        },
      };
      contexts.set(rule.meta.id, ctx);
    }
    return ctx;
  };
}

/**
 * The documents of a YAML or JSON file the enabled rules want, parsed; parse problems go to the
 * file. Documents the fast path rules out are parsed only when the syntax check needs them.
 */
function wantedDocuments(file: ScanFile, plan: ReturnType<typeof fastPath>, counts: { documents: number; parsedDocuments: number }): ManifestDocument[] {
  const docs: ManifestDocument[] = [];
  if (file.kind !== 'yaml' && file.kind !== 'json') return docs;
  const slices: DocumentSlice[] = file.kind === 'json' ? [{ text: file.text, startLine: 0, index: 0 }] : splitDocuments(file.text);
  counts.documents += slices.length;
  for (const slice of slices) {
    const wanted = plan.wants(slice.text);
    if (!wanted && !plan.syntax) continue;
    counts.parsedDocuments++;
    const parsed = parseSlice(file, slice);
    if (isParseProblem(parsed)) (file.problems as ParseProblem[]).push(parsed);
    else if (parsed.problem) (file.problems as ParseProblem[]).push(parsed.problem);
    if (!isParseProblem(parsed) && wanted) docs.push(parsed);
  }
  return docs;
}

/**
 * Runs the project rules. When one asks for the catalog, it is loaded and the project phase runs
 * again (the per-file phase did not need it, so it stands).
 */
async function runProjectPhase<T>(run: () => Promise<T>, options: ScanOptions, catalog: { loaded: boolean; project?: Project }): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof CatalogWanted)) throw err;
    catalog.project = await options.project?.();
    catalog.loaded = true;
    return run();
  }
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

/**
 * Parsing allocates several times the size of its input, and V8 grows its heap rather than
 * collect while allocation is fast: a scan of 500 MB peaked above 300 MB of memory with a live set
 * under 50 MB. A full collection after every 32 MB read keeps the peak near the live set, for a
 * few milliseconds each. `gc` is reachable at run time through the expose-gc flag and a fresh
 * context (no command-line flag, which would cost a process re-spawn at start-up).
 */
function memoryBudget(every = 32 * 1024 * 1024): (bytes: number) => void {
  let read = 0;
  let gc: (() => void) | undefined;
  return (bytes) => {
    read += bytes;
    if (read < every) return;
    read = 0;
    if (!gc) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
    gc();
  };
}

function collect(options: ScanOptions): CollectedSources {
  const sel = { include: options.config.include, exclude: options.config.exclude };
  if (options.staged) return stagedFiles(options.cwd, options.paths ?? [], sel);
  const walked = walkPaths(options.cwd, options.paths ?? [], sel);
  return options.context === undefined ? walked : { ...walked, context: treeContext(options.cwd, options.context, sel) };
}

/**
 * The documents of context files (not scanned themselves) that a project rule reads. Nothing is
 * reported about these files by the per-file rules, and what cannot be read is left out quietly:
 * the scan was not asked about them.
 */
function contextDocuments(files: readonly SourceFile[], scanned: ReadonlySet<string>, plan: ReturnType<typeof fastPath>, config: ScanConfig, cwd: string): ManifestDocument[] {
  const docs: ManifestDocument[] = [];
  const collectGarbage = memoryBudget();
  for (const src of files) {
    if (scanned.has(src.path)) continue;
    collectGarbage(src.size);
    const file = readScanFile(src, config, cwd, scanned, []);
    if (!file || (file.kind !== 'yaml' && file.kind !== 'json')) continue;
    const slices: DocumentSlice[] = file.kind === 'json' ? [{ text: file.text, startLine: 0, index: 0 }] : splitDocuments(file.text);
    for (const slice of slices) {
      if (!plan.wants(slice.text)) continue;
      const parsed = parseSlice(file, slice);
      if (!isParseProblem(parsed)) docs.push(parsed);
    }
  }
  return docs;
}

export function severityOf(rule: Rule, config: ScanConfig): Severity | 'off' {
  return config.severities[rule.meta.id] ?? rule.meta.defaultSeverity;
}

/**
 * Which documents to parse. A rule with an `interest` sees only documents whose raw text matches
 * it; one without sees every document, which turns the fast path off. With parse-error enabled
 * the other documents are still parsed for syntax (unless its `everyDocument` option is false),
 * but no rule looks at them. Documents are kept in memory
 * only when a project rule needs them all at the end.
 */
export function fastPath(rules: readonly Rule[], config?: ScanConfig): { wants(text: string): boolean; keepDocuments: boolean; syntax: boolean } {
  const readers = rules.filter((r) => r.checkDocument || r.checkProject);
  const everything = readers.some((r) => !r.meta.interest);
  return {
    wants: everything ? () => true : (text) => readers.some((r) => interested(r, text)),
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
  let text = utf16 ?? buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const read = readFileAs(src.path, text) ?? { kind: kind0, text };
  const kind = read.kind;
  const chart = `${dirname(src.path) === '.' ? '' : `${dirname(src.path)}/`}Chart.yaml`;
  const helmValues = kind === 'yaml' && /^values[^/]*\.ya?ml$/i.test(basename(src.path)) && (scanned.has(chart) || existsSync(resolve(cwd, chart)));
  const problems: ParseProblem[] = [];
  return { path: src.path, text: read.text, kind, ...(helmValues ? { helmValues } : {}), problems };
}

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

function inlineSuppression(doc: ManifestDocument, count: number): Suppression {
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
    suppressed: count,
  };
}
