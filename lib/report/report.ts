import { todayUtc } from '../clock';
import { buildReport, daysUntil, ExceptionEntry, ReportModel, RuleSummary } from './model';
import { defaultBase, repoRootOf, snapshotAtRef, snapshotOfWorkingTree } from './snapshot';
import { relative, resolve } from 'node:path';

/** The part of a scan result the report reads (the scanner's JSON carries more). */
export interface ScanSummaryInput {
  readonly findings: readonly { readonly ruleId: string; readonly severity: 'error' | 'warning' }[];
  readonly rules: readonly { readonly id: string }[];
  readonly suppressions: readonly {
    readonly kind: 'inline' | 'allowlist';
    readonly rules: readonly string[];
    readonly reason: string;
    readonly file: string;
    readonly line: number;
    readonly path?: string;
    readonly expires?: string;
    readonly object?: { readonly kind?: string; readonly namespace?: string; readonly name?: string };
  }[];
}

/** Exceptions expiring within this many days are called out. */
export const EXPIRY_WARNING_DAYS = 14;

/** Pass/fail per enabled rule, with counts, in policy order. */
export function ruleSummaries(scan: ScanSummaryInput): RuleSummary[] {
  return scan.rules.map(({ id }) => {
    const errors = scan.findings.filter((f) => f.ruleId === id && f.severity === 'error').length;
    const warnings = scan.findings.filter((f) => f.ruleId === id && f.severity === 'warning').length;
    return { ruleId: id, status: errors ? 'fail' : warnings ? 'warn' : 'pass', errors, warnings };
  });
}

/** Every allowlist entry and inline suppression in force, with days left until expiry. */
export function exceptionsInForce(scan: ScanSummaryInput, today: string): ExceptionEntry[] {
  return scan.suppressions
    .map((s) => {
      const daysLeft = s.expires ? daysUntil(s.expires, today) : undefined;
      const object = s.object?.kind ? `${s.object.kind} ${s.object.namespace ? s.object.namespace + '/' : ''}${s.object.name ?? ''}` : undefined;
      return {
        type: s.kind,
        rules: s.rules,
        where: s.kind === 'allowlist' ? (s.path ?? s.file) : `${s.file}:${s.line}`,
        ...(object ? { object } : {}),
        reason: s.reason,
        ...(s.expires ? { expires: s.expires, daysLeft } : {}),
        expired: daysLeft !== undefined && daysLeft < 0,
        expiringSoon: daysLeft !== undefined && daysLeft >= 0 && daysLeft <= EXPIRY_WARNING_DAYS,
      };
    })
    .sort((a, b) => (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) || a.where.localeCompare(b.where));
}

export interface ReportOptions {
  readonly cwd: string;
  /** A git ref; default: the merge base with the default branch. */
  readonly base?: string;
  /** The catalog, relative to `cwd`. @default "services.yaml" */
  readonly servicesFile?: string;
  /** Scans the working tree (the scanner with its configuration). */
  readonly scan: (repoRoot: string) => Promise<ScanSummaryInput>;
  /** `YYYY-MM-DD` for expiry arithmetic. @default `todayUtc()`: `SECRETOPS_TODAY`, else today (UTC) */
  readonly today?: string;
}

/** Compares the catalog and a fresh synth at the base ref with the working tree, without touching either. */
export async function buildPolicyReport(opts: ReportOptions): Promise<ReportModel> {
  const repoRoot = repoRootOf(opts.cwd);
  const servicesFile = relative(repoRoot, resolve(opts.cwd, opts.servicesFile ?? 'services.yaml')).split('\\').join('/');
  const baseRef = opts.base ?? defaultBase(repoRoot);
  const base = snapshotAtRef({ repoRoot, servicesFile }, baseRef);
  const head = snapshotOfWorkingTree({ repoRoot, servicesFile });
  const scan = await opts.scan(repoRoot);
  const today = opts.today ?? todayUtc();
  return buildReport({ base, head, rules: ruleSummaries(scan), exceptions: exceptionsInForce(scan, today) });
}
