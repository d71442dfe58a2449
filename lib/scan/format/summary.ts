import type { Finding, ObjectRef, ScanResult } from '../types';

/** Counts and wording shared by the human-readable formats. */
export function counts(result: ScanResult): { errors: number; warnings: number } {
  let errors = 0;
  for (const f of result.findings) if (f.severity === 'error') errors++;
  return { errors, warnings: result.findings.length - errors };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `Secret team-a/db` or `Secret db`, or undefined for findings not about an object. */
export function objectLabel(object: ObjectRef | undefined): string | undefined {
  if (!object?.kind) return undefined;
  const name = object.name ? ` ${object.namespace ? `${object.namespace}/` : ''}${object.name}` : '';
  return `${object.kind}${name}`;
}

export function location(f: Pick<Finding, 'file' | 'line' | 'column'>): string {
  return `${f.file}:${f.line}:${f.column}`;
}

/** Findings grouped by file, in result order (which is sorted by file). */
export function byFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = groups.get(f.file);
    if (list) list.push(f);
    else groups.set(f.file, [f]);
  }
  return groups;
}
