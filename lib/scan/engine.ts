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
import { CollectedSources, SourceFile, stagedFiles, walkPaths } from './sources';
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
  /** Read the git index instead of the working tree. @default false */
  readonly staged?: boolean;
  /** The rules, in policy order (`policies/index.ts`). */
  readonly rules: readonly Rule[];
  readonly config: ScanConfig;
  /**
   * Loads the catalog project. Called only when a rule reads `ctx.project` (a scan whose rules never
   * ask never pays for loading the catalog).
   */
  readonly project?: () => Promise<Project | undefined>;
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
  const contextFor = ruleContexts(options, today, catalog);
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

  const scannedPaths = new Set(inputs.map((f) => f.path));
  const collectGarbage = memoryBudget();
  for (const src of inputs) {
    collectGarbage(src.size);
    const file = readScanFile(src, config, cwd, scannedPaths, warnings);
    if (!file) {
      skippedFiles++;
      continue;
    }
    bytes += src.size;
    const docs = wantedDocuments(file, plan, counts);
    for (const d of docs) if (d.suppressed.size > 0) suppressingDocs.push(d);
    if (plan.keepDocuments) kept.push(...docs);
    const run = await runRulesDetailed({ rules: perFile, files: [file], docs, context: contextFor, severities });
    findings.push(...run.findings);
    countInline(run.suppressed);
  }
  if (perProject.length > 0) {
    const run = await runProjectPhase(() => runRulesDetailed({ rules: perProject, files: [], docs: kept, context: contextFor, severities }), options, catalog);
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
function ruleContexts(options: ScanOptions, today: string, catalog: { loaded: boolean; project?: Project }): (rule: Rule) => RuleContext {
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
        roots: options.sources ? undefined : (options.paths && options.paths.length > 0 ? options.paths : ['.']),
        staged: options.staged ?? false,
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
  return options.staged ? stagedFiles(options.cwd, options.paths ?? [], sel) : walkPaths(options.cwd, options.paths ?? [], sel);
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
  if (src.size > config.maxFileSize) {
    warnings.push({ file: src.path, message: `larger than maxFileSize (${src.size} > ${config.maxFileSize} bytes): skipped` });
    return undefined;
  }
  let buf: Buffer;
  try {
    buf = src.read();
  } catch (err) {
    warnings.push({ file: src.path, message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): skipped` });
    return undefined;
  }
  if (buf.includes(0)) {
    warnings.push({ file: src.path, message: 'binary file: skipped' });
    return undefined;
  }
  if (!isUtf8(buf)) {
    warnings.push({ file: src.path, message: 'not valid UTF-8: skipped' });
    return undefined;
  }
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const read = readFileAs(src.path, text) ?? { kind: kind0, text };
  const kind = read.kind;
  const chart = `${dirname(src.path) === '.' ? '' : `${dirname(src.path)}/`}Chart.yaml`;
  const helmValues = kind === 'yaml' && /^values[^/]*\.ya?ml$/i.test(basename(src.path)) && (scanned.has(chart) || existsSync(resolve(cwd, chart)));
  const problems: ParseProblem[] = [];
  return { path: src.path, text: read.text, kind, ...(helmValues ? { helmValues } : {}), problems };
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
