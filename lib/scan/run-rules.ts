import { createHash } from 'node:crypto';
import { credentialKeyMatcher } from '../credential-like';
import { parseFile, readFileAs } from './parse';
import { detached, FileReader, SummaryDocument, summaryFile } from './summary';
import type { Finding, ManifestDocument, Rule, RuleContext, RuleReport, ScanFile, Severity } from './types';

/**
 * Applies rules to documents and files and turns their reports into findings: position from the
 * pointer, severity from configuration, a stable fingerprint, and suppressions applied. The full
 * scanner engine (walking, configuration, allowlists, fast path) builds on this.
 */
export interface RunRulesInput {
  readonly rules: readonly Rule[];
  readonly files: readonly ScanFile[];
  readonly docs: readonly ManifestDocument[];
  readonly context: RuleContext | ((rule: Rule) => RuleContext);
  /** Configured severity per rule id; rules absent here use their default. */
  readonly severities?: Readonly<Record<string, Severity | 'off'>>;
  /** Which findings to report (a cross-file context drops findings outside the scanned files). @default all */
  readonly keep?: (finding: Finding, report: RuleReport) => boolean;
}

export async function runRules(input: RunRulesInput): Promise<Finding[]> {
  return (await runRulesDetailed(input)).findings;
}

/** A finding an inline `secretops.dev/ignore` annotation kept out, with the document that did. */
export interface InlineSuppressed {
  readonly finding: Finding;
  readonly doc: ManifestDocument;
}

/** `runRules`, also returning what inline annotations suppressed (the engine reports those). */
export async function runRulesDetailed(input: RunRulesInput): Promise<{ findings: Finding[]; suppressed: InlineSuppressed[] }> {
  const findings: Finding[] = [];
  const suppressed: InlineSuppressed[] = [];
  for (const rule of input.rules) {
    const severity = input.severities?.[rule.meta.id] ?? rule.meta.defaultSeverity;
    if (severity === 'off') continue;
    const ctx = typeof input.context === 'function' ? input.context(rule) : input.context;
    const report = (defaultDoc?: ManifestDocument, defaultFile?: ScanFile) => (r: RuleReport) => {
      const doc = r.doc ?? defaultDoc;
      const file = doc?.file ?? r.file ?? defaultFile;
      if (!file) throw new Error(`rule ${rule.meta.id} reported without a document or file`);
      const pos = r.position ?? (doc ? doc.positionOf(r.pointer ?? '', { key: r.key }) : { line: 1, column: 1 });
      const object = r.object ?? doc?.object;
      const finding: Finding = {
        ruleId: rule.meta.id,
        severity: r.severity ?? severity,
        message: r.message,
        file: file.path,
        line: pos.line,
        column: pos.column,
        ...(object ? { object } : {}),
        ...(r.pointer !== undefined ? { pointer: r.pointer } : {}),
        fingerprint: fingerprint(rule.meta.id, file.path, object, doc?.index, r.pointer, r.message),
      };
      if (input.keep && !input.keep(finding, r)) return;
      if (doc?.suppressed.has(rule.meta.id)) suppressed.push({ finding, doc });
      else findings.push(finding);
    };
    if (rule.checkFile) for (const f of input.files) rule.checkFile(f, ctx, report(undefined, f));
    if (rule.checkDocument) {
      for (const d of input.docs) {
        if (!readsDocument(rule, d)) continue;
        rule.checkDocument(d, ctx, report(d));
      }
    }
    if (rule.checkProject) await rule.checkProject(input.docs, ctx, report());
  }
  return { findings: sortFindings(findings), suppressed };
}

/** The rules the engine found a document worth parsing for (told once per document, not per use). */
const readersOfDocument = new WeakMap<ManifestDocument, ReadonlySet<Rule>>();

export function rememberReaders(doc: ManifestDocument, readers: readonly Rule[]): void {
  readersOfDocument.set(doc, new Set(readers));
}

/** Whether a rule reads a document: as the engine decided, else by the rule's `interest`. */
export function readsDocument(rule: Rule, doc: ManifestDocument): boolean {
  return readersOfDocument.get(doc)?.has(rule) ?? interested(rule, doc.text);
}

const statelessInterest = new WeakMap<Rule, RegExp>();

/**
 * Whether a rule wants a document, from its raw text. A `/g` or `/y` pattern remembers
 * `lastIndex` between calls, so such a rule gets a stateless copy; any other pattern is used as
 * it is (a RegExp subclass may test faster than its source, e.g. `interestOutsideCrds`).
 */
export function interested(rule: Rule, text: string): boolean {
  const re = rule.meta.interest;
  if (!re) return true;
  if (!re.global && !re.sticky) return re.test(text);
  let copy = statelessInterest.get(rule);
  if (!copy) {
    copy = new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
    statelessInterest.set(rule, copy);
  }
  return copy.test(text);
}

/** Stable: rule, file, object identity (or document index) and pointer; never the value. */
export function fingerprint(ruleId: string, file: string, object: Finding['object'], docIndex: number | undefined, pointer: string | undefined, message: string): string {
  const who = object?.kind ? `${object.apiVersion ?? ''}/${object.kind}/${object.namespace ?? ''}/${object.name ?? ''}` : `#${docIndex ?? ''}`;
  const what = pointer ?? message;
  return createHash('sha256').update(`${ruleId}\u0000${file}\u0000${who}\u0000${what}`).digest('hex').slice(0, 32);
}

/** By file, position, rule and message; code-point order, so output does not depend on the locale. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => byCodePoint(a.file, b.file) || a.line - b.line || a.column - b.column || byCodePoint(a.ruleId, b.ruleId) || byCodePoint(a.message, b.message));
}

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * For rule tests and case files: scan one in-memory file with one rule, default context. A parse
 * problem throws (unless the rule reports parse problems), so a broken case file cannot pass as
 * "no findings".
 */
export async function checkText(rule: Rule, path: string, text: string, ctx: Partial<RuleContext> = {}): Promise<Finding[]> {
  const read = readFileAs(path, text) ?? { kind: 'text' as const, text };
  const kind = read.kind;
  const bare: ScanFile = { path, text: read.text, kind };
  const parsed = kind === 'helm-template' || kind === 'text' ? { docs: [], problems: [] } : parseFile(bare);
  if (parsed.problems.length > 0 && !rule.meta.handlesParseProblems) {
    const p = parsed.problems[0]!;
    throw new Error(`${path}:${p.line}:${p.column}: ${p.message}`);
  }
  const file: ScanFile = { ...bare, problems: parsed.problems };
  // A project rule with summaries sees what the engine would give it: summaries of the documents
  // its interest matches, so every case file exercises its shape.
  const reader = new FileReader(() => bare);
  const summaryOf = summaryFile(bare, reader);
  const docs =
    rule.summarize && !rule.checkDocument
      ? parsed.docs.flatMap((d) => {
          const summary = interested(rule, d.text) ? rule.summarize!(d) : undefined;
          return summary === undefined ? [] : [new SummaryDocument(summaryOf, d.index, detached(summary), d.object, [...d.suppressed], reader, d.problem)];
        })
      : parsed.docs;
  const context: RuleContext = {
    isCredentialKey: ctx.isCredentialKey ?? credentialKeyMatcher(),
    cwd: ctx.cwd ?? process.cwd(),
    options: ctx.options ?? {},
    ...(ctx.project ? { project: ctx.project } : {}),
    ...(ctx.today ? { today: ctx.today } : {}),
  };
  return runRules({ rules: [rule], files: [file], docs, context });
}
