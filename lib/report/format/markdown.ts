import type { ExceptionEntry, KeyChange, ObjectChange, ReportModel, Source } from '../model';

/** GitHub refuses comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** A marker the workflow finds to update its one sticky comment instead of adding another. */
export const STICKY_MARKER = '<!-- secretops-report -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
const code = (s: string) => (s ? '`' + s.replace(/`/g, "'") + '`' : '');

function table(header: string[], rows: string[][], cap: number, what: string): string {
  const shown = rows.slice(0, cap);
  let out = `| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n`;
  out += shown.map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n') + (shown.length ? '\n' : '');
  if (rows.length > shown.length) out += `\n_… ${rows.length - shown.length} more ${what} not shown here: see the HTML or JSON report._\n`;
  return out;
}

const src = (s: Source | null | undefined) => (s === undefined ? '' : s === null ? '**unresolved**' : `${s.tier} ${code(s.location)}`);

function summaryLine(m: ReportModel): string {
  const s = m.summary;
  const verdict = s.passed ? '✅ **All guardrails pass**' : '❌ **Guardrails fail**';
  const parts = [
    `${s.keysAdded} key${s.keysAdded === 1 ? '' : 's'} added`,
    `${s.keysRemoved} removed`,
    `${s.keysChanged} re-resolved`,
    ...(s.fallbacks ? [`⚠️ ${s.fallbacks} fallback${s.fallbacks === 1 ? '' : 's'}`] : []),
    `${s.objectsAdded + s.objectsRemoved + s.objectsChanged} manifest object${s.objectsAdded + s.objectsRemoved + s.objectsChanged === 1 ? '' : 's'} changed`,
  ];
  const base = m.base.commit ? `${code(m.base.commit.slice(0, 12))} (${m.base.label})` : m.base.label;
  return `${verdict} · ${parts.join(' · ')} — ${base} → ${m.head.label}`;
}

function keyRows(keys: readonly KeyChange[]): string[][] {
  return keys.map((k) => [k.environment, k.service, k.secret, code(k.key), k.change + (k.fallback ? ' ⚠️ fallback' : k.tierChanged ? ' (tier)' : ''), src(k.before), src(k.after)]);
}

function objectRows(objects: readonly ObjectChange[]): string[][] {
  return objects.map((o) => [o.cluster, o.instance, o.category, `${o.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name}`, o.change, o.details.join('\n')]);
}

function exceptionRows(list: readonly ExceptionEntry[]): string[][] {
  return list.map((e) => [
    e.type,
    e.rules.join(', '),
    code(e.where) + (e.object ? ` ${e.object}` : ''),
    e.reason,
    e.expires ? `${e.expires}${e.expired ? ' ❌ expired' : e.expiringSoon ? ` ⚠️ ${e.daysLeft} days left` : ''}` : '—',
  ]);
}

function render(m: ReportModel, cap: number): string {
  let out = `${STICKY_MARKER}\n## secretops policy report\n\n${summaryLine(m)}\n\n`;
  for (const [label, problems] of [
    ['base', m.base.problems],
    ['this change', m.head.problems],
  ] as const) {
    if (problems.length) out += `**The catalog at ${label} has problems:**\n\n${problems.slice(0, cap).map((p) => `- ${cell(p)}`).join('\n')}\n\n`;
  }
  out += '### Guardrails\n\n';
  out += table(
    ['rule', 'result', 'errors', 'warnings'],
    m.summary.rules.map((r) => [code(r.ruleId), r.status === 'pass' ? '✅ pass' : r.status === 'warn' ? '⚠️ warnings' : '❌ fail', String(r.errors), String(r.warnings)]),
    Infinity,
    'rules',
  );
  const fallbacks = m.changes.keys.filter((k) => k.fallback);
  if (fallbacks.length) {
    out += `\n### ⚠️ Silent fallbacks (review first)\n\nThese keys now resolve from a later tier than before: the service still starts, but reads another value.\n\n`;
    out += table(['environment', 'service', 'secret', 'key', 'change', 'before', 'after'], keyRows(fallbacks), Math.max(cap, 50), 'fallbacks');
  }
  out += `\n### Secret changes\n\n`;
  out += m.changes.keys.length ? table(['environment', 'service', 'secret', 'key', 'change', 'before', 'after'], keyRows(m.changes.keys), Math.max(cap, 50), 'key changes') : '_No key gains, losses or re-resolutions._\n';
  out += `\n### Manifest changes\n\n`;
  out += m.changes.objects.length ? table(['cluster', 'instance', 'category', 'object', 'change', 'details'], objectRows(m.changes.objects), cap, 'object changes') : '_dist/ is unchanged._\n';
  out += `\n### Fixture coverage\n\n`;
  out += m.fixtures.length
    ? table(
        ['environment', 'coverage', 'missing', 'orphans'],
        m.fixtures.map((f) => [f.environment, `${f.covered}/${f.referenced}`, f.missing.map(code).join(' '), f.orphans.map(code).join(' ')]),
        Infinity,
        'environments',
      )
    : '_No non-production environments._\n';
  out += `\n### Exceptions in force\n\n`;
  const soon = m.exceptions.filter((e) => e.expiringSoon || e.expired).length;
  if (soon) out += `⚠️ ${soon} exception${soon === 1 ? '' : 's'} expire${soon === 1 ? 's' : ''} within 14 days or already expired.\n\n`;
  out += m.exceptions.length ? table(['type', 'rules', 'where', 'reason', 'expires'], exceptionRows(m.exceptions), Math.max(cap, 50), 'exceptions') : '_None._\n';
  out += `\n<details><summary>Ownership matrix (${m.ownership.length} keys)</summary>\n\n`;
  out += table(
    ['service', 'environment', 'Secret', 'key', 'store', 'Vault path', 'property', 'tier'],
    m.ownership.map((o) => [o.service, o.environment, o.secret, code(o.key), o.store, code(o.path), code(o.property), o.tier]),
    cap,
    'rows',
  );
  out += `\n</details>\n`;
  return out;
}

/** Fits GitHub's comment limit: caps the long tables step by step, and says what was left out. */
export function reportToMarkdown(m: ReportModel, limit = GITHUB_COMMENT_LIMIT): string {
  for (const cap of [Infinity, 400, 150, 50, 15, 5]) {
    const md = render(m, cap);
    if (md.length <= limit) return md;
  }
  const md = render(m, 0);
  const note = '\n\n_The report was cut to fit a pull-request comment: see the HTML or JSON report._\n';
  return md.length <= limit ? md : md.slice(0, limit - note.length) + note;
}
