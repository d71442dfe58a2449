import type { ScanResult } from '../types';
import { byFile, counts, location, objectLabel, plural } from './summary';

export interface TextOptions {
  /** ANSI colours (only on a terminal; the CLI decides with `useColour`). @default false */
  readonly colour?: boolean;
}

const paint = (on: boolean, code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** `--format text`: findings grouped by file, each `file:line:col severity rule message`, then a summary. */
export function formatText(result: ScanResult, opts: TextOptions = {}): string {
  const colour = opts.colour ?? false;
  const red = paint(colour, 31);
  const yellow = paint(colour, 33);
  const dim = paint(colour, 2);
  const bold = paint(colour, 1);
  const lines: string[] = [];
  for (const [file, findings] of byFile(result.findings)) {
    lines.push(bold(file));
    for (const f of findings) {
      const sev = f.severity === 'error' ? red('error  ') : yellow('warning');
      const what = objectLabel(f.object);
      lines.push(`  ${location(f)}  ${sev}  ${f.message}${what ? dim(` (${what})`) : ''}  ${dim(f.ruleId)}`);
    }
    lines.push('');
  }
  const { errors, warnings } = counts(result);
  const scanned = `${plural(result.stats.files, 'file')}, ${plural(result.stats.documents, 'document')}`;
  const suppressed = result.suppressions.length > 0 ? `, ${plural(result.suppressions.length, 'suppression')} in force` : '';
  if (errors + warnings === 0) lines.push(`no findings (${scanned}${suppressed})`);
  else lines.push(`${errors > 0 ? red(plural(errors, 'error')) : plural(errors, 'error')}, ${plural(warnings, 'warning')} (${scanned}${suppressed})`);
  return lines.join('\n') + '\n';
}
