import type { ScanResult } from '../types';

/**
 * `--format json`: the contract (`version`, `findings` with ruleId, severity, message,
 * file, line, column and object, `stats` with files and documents) plus pointer, fingerprint,
 * more stats, warnings, suppressions in force and the rules that ran.
 */
export function formatJson(result: ScanResult): string {
  const out = {
    version: result.version,
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.file,
      line: f.line,
      column: f.column,
      object: f.object ?? {},
      ...(f.pointer !== undefined ? { pointer: f.pointer } : {}),
      fingerprint: f.fingerprint,
    })),
    stats: result.stats,
    warnings: result.warnings,
    suppressions: result.suppressions,
    rules: result.rules.map((r) => ({ id: r.id, severity: r.severity })),
  };
  return JSON.stringify(out, null, 2) + '\n';
}
