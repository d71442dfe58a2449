import type { ScanResult } from '../types';
import { counts, location, objectLabel, plural } from './summary';

/** Table cells: no pipes, no line breaks, no backticks that would end a code span. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/`/g, "'");
}

/** `--format markdown`: a summary for a pull-request comment, findings first, exceptions after. */
export function formatMarkdown(result: ScanResult): string {
  const { errors, warnings } = counts(result);
  const out: string[] = [];
  const verdict = errors > 0 ? 'failed' : 'passed';
  out.push(`### secretops scan ${verdict}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  out.push('');
  out.push(`Scanned ${plural(result.stats.files, 'file')} and ${plural(result.stats.documents, 'document')} with ${plural(result.rules.length, 'rule')}.`);
  if (result.findings.length > 0) {
    out.push('', '| severity | rule | location | object | message |', '|---|---|---|---|---|');
    for (const f of result.findings) {
      const obj = objectLabel(f.object);
      out.push(`| ${f.severity} | \`${f.ruleId}\` | \`${cell(location(f))}\` | ${obj ? cell(obj) : ''} | ${cell(f.message)} |`);
    }
  }
  if (result.suppressions.length > 0) {
    out.push('', `<details><summary>${plural(result.suppressions.length, 'suppression')} in force</summary>`, '');
    out.push('| kind | rules | where | reason | expires | findings kept out |', '|---|---|---|---|---|---|');
    for (const s of result.suppressions) {
      const where = s.kind === 'allowlist' ? `${location(s)} (\`${cell(s.path ?? '')}\`)` : `${location(s)}${s.object ? ` ${cell(objectLabel(s.object) ?? '')}` : ''}`;
      out.push(`| ${s.kind} | ${s.rules.map((r) => `\`${r}\``).join(', ')} | ${where} | ${cell(s.reason)} | ${s.expires ?? ''} | ${s.suppressed} |`);
    }
    out.push('', '</details>');
  }
  if (result.warnings.length > 0) {
    out.push('', `<details><summary>${plural(result.warnings.length, 'file')} not scanned or scanned in part</summary>`, '');
    for (const w of result.warnings) out.push(`- \`${cell(w.file)}\`: ${cell(w.message)}`);
    out.push('', '</details>');
  }
  return out.join('\n') + '\n';
}
