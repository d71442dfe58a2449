import { createHash } from 'node:crypto';
import { credentialKeyMatcher } from '../credential-like';
import { classifyFile, parseFile } from './parse';
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
}

export async function runRules(input: RunRulesInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const rule of input.rules) {
    const severity = input.severities?.[rule.meta.id] ?? rule.meta.defaultSeverity;
    if (severity === 'off') continue;
    const ctx = typeof input.context === 'function' ? input.context(rule) : input.context;
    const report = (defaultDoc?: ManifestDocument, defaultFile?: ScanFile) => (r: RuleReport) => {
      const doc = r.doc ?? defaultDoc;
      if (doc?.suppressed.has(rule.meta.id)) return;
      const file = doc?.file ?? r.file ?? defaultFile;
      if (!file) throw new Error(`rule ${rule.meta.id} reported without a document or file`);
      const pos = r.position ?? (doc ? doc.positionOf(r.pointer ?? '', { key: r.key }) : { line: 1, column: 1 });
      const object = r.object ?? doc?.object;
      findings.push({
        ruleId: rule.meta.id,
        severity: r.severity ?? severity,
        message: r.message,
        file: file.path,
        line: pos.line,
        column: pos.column,
        ...(object ? { object } : {}),
        ...(r.pointer !== undefined ? { pointer: r.pointer } : {}),
        fingerprint: fingerprint(rule.meta.id, file.path, object, doc?.index, r.pointer, r.message),
      });
    };
    if (rule.checkFile) for (const f of input.files) rule.checkFile(f, ctx, report(undefined, f));
    if (rule.checkDocument) {
      for (const d of input.docs) {
        if (rule.meta.interest && !rule.meta.interest.test(d.text)) continue;
        rule.checkDocument(d, ctx, report(d));
      }
    }
    if (rule.checkProject) await rule.checkProject(input.docs, ctx, report());
  }
  return sortFindings(findings);
}

/** Stable: rule, file, object identity (or document index) and pointer; never the value. */
export function fingerprint(ruleId: string, file: string, object: Finding['object'], docIndex: number | undefined, pointer: string | undefined, message: string): string {
  const who = object?.kind ? `${object.apiVersion ?? ''}/${object.kind}/${object.namespace ?? ''}/${object.name ?? ''}` : `#${docIndex ?? ''}`;
  const what = pointer ?? message;
  return createHash('sha256').update(`${ruleId}\u0000${file}\u0000${who}\u0000${what}`).digest('hex').slice(0, 32);
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message),
  );
}

/**
 * For rule tests and case files: scan one in-memory file with one rule, default context. A parse
 * problem throws, so a broken case file cannot pass as "no findings".
 */
export async function checkText(rule: Rule, path: string, text: string, ctx: Partial<RuleContext> = {}): Promise<Finding[]> {
  const kind = classifyFile(path, text) ?? 'text';
  const file: ScanFile = { path, text, kind };
  const parsed = kind === 'helm-template' || kind === 'text' ? { docs: [], problems: [] } : parseFile(file);
  if (parsed.problems.length > 0) {
    const p = parsed.problems[0]!;
    throw new Error(`${path}:${p.line}:${p.column}: ${p.message}`);
  }
  const context: RuleContext = {
    isCredentialKey: ctx.isCredentialKey ?? credentialKeyMatcher(),
    cwd: ctx.cwd ?? process.cwd(),
    options: ctx.options ?? {},
    ...(ctx.project ? { project: ctx.project } : {}),
  };
  return runRules({ rules: [rule], files: [file], docs: parsed.docs, context });
}
