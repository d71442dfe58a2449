import type { ReportModel, Source } from '../model';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const src = (s: Source | null | undefined) => (s === undefined ? '' : s === null ? 'unresolved' : `${s.tier} ${s.location}`);

function table(id: string, header: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<table id="${id}" class="sortable"><thead><tr>${header.map((h) => `<th scope="col" tabindex="0">${esc(h)}</th>`).join('')}</tr></thead><tbody>
${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c).replace(/\n/g, '<br>')}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>`;
}

// Click (or Enter on) a header to sort by that column; numbers sort as numbers.
const SORT_SCRIPT = `document.querySelectorAll('table.sortable th').forEach(function (th, _i) {
  function sort() {
    var table = th.closest('table'), body = table.tBodies[0], idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[idx].textContent, y = b.cells[idx].textContent, nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  th.addEventListener('click', sort);
  th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
});`;

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1f2328}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
.verdict{padding:.8rem 1rem;border-radius:6px;font-weight:600}.pass{background:#dafbe1}.fail{background:#ffebe9}
.warn{background:#fff8c5;padding:.6rem 1rem;border-radius:6px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}.empty{color:#656d76;font-style:italic}
nav a{margin-right:1rem}`;

/** One self-contained page (no network): the same content as the Markdown report, with sortable tables. */
export function reportToHtml(m: ReportModel): string {
  const s = m.summary;
  const base = m.base.commit ? `${m.base.commit.slice(0, 12)} (${m.base.label})` : m.base.label;
  const problems = [
    ...m.base.problems.map((p) => `base: ${p}`),
    ...m.head.problems.map((p) => `this change: ${p}`),
  ];
  const fallbacks = m.changes.keys.filter((k) => k.fallback);
  const keyRow = (k: (typeof m.changes.keys)[number]) => [k.environment, k.service, k.secret, k.key, k.change + (k.fallback ? ' (fallback)' : ''), src(k.before), src(k.after)];
  const keyHeader = ['environment', 'service', 'secret', 'key', 'change', 'before', 'after'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>secretops policy report</title><style>${STYLE}</style></head>
<body>
<h1>secretops policy report</h1>
<p>${esc(base)} → ${esc(m.head.label)}</p>
<nav><a href="#summary">Summary</a><a href="#changes">Changes</a><a href="#ownership">Ownership</a><a href="#fixtures">Fixtures</a><a href="#exceptions">Exceptions</a></nav>
<section id="summary"><h2>Summary</h2>
<p class="verdict ${s.passed ? 'pass' : 'fail'}">${s.passed ? 'All guardrails pass' : 'Guardrails fail'} · ${s.keysAdded} keys added · ${s.keysRemoved} removed · ${s.keysChanged} re-resolved · ${s.fallbacks} fallbacks · ${s.objectsAdded + s.objectsRemoved + s.objectsChanged} manifest objects changed</p>
${problems.length ? `<ul class="warn">${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}
${table('rules', ['rule', 'result', 'errors', 'warnings'], s.rules.map((r) => [r.ruleId, r.status, String(r.errors), String(r.warnings)]), 'No guardrail results.')}
</section>
<section id="changes"><h2>Changes</h2>
${fallbacks.length ? `<p class="warn">${fallbacks.length} key(s) now resolve from a later tier than before (a silent fallback): review these first.</p>${table('fallbacks', keyHeader, fallbacks.map(keyRow), '')}` : ''}
<h3>Secret changes</h3>
${table('keys', keyHeader, m.changes.keys.map(keyRow), 'No key gains, losses or re-resolutions.')}
<h3>Manifest changes</h3>
${table('objects', ['cluster', 'instance', 'category', 'kind', 'namespace', 'name', 'change', 'details'], m.changes.objects.map((o) => [o.cluster, o.instance, o.category, o.kind, o.namespace, o.name, o.change, o.details.join('\n')]), 'dist/ is unchanged.')}
</section>
<section id="ownership"><h2>Ownership matrix</h2>
${table('ownership', ['service', 'environment', 'Secret', 'key', 'store', 'Vault path', 'property', 'tier'], m.ownership.map((o) => [o.service, o.environment, o.secret, o.key, o.store, o.path, o.property, o.tier]), 'No platform secrets.')}
</section>
<section id="fixtures"><h2>Fixture coverage</h2>
${table('fixture-coverage', ['environment', 'covered', 'referenced', 'missing', 'orphans'], m.fixtures.map((f) => [f.environment, String(f.covered), String(f.referenced), f.missing.join('\n'), f.orphans.join('\n')]), 'No non-production environments.')}
</section>
<section id="exceptions"><h2>Exceptions in force</h2>
${table('exception-list', ['type', 'rules', 'where', 'object', 'reason', 'expires', 'days left'], m.exceptions.map((e) => [e.type, e.rules.join(', '), e.where, e.object ?? '', e.reason, e.expires ?? '', e.daysLeft === undefined ? '' : String(e.daysLeft)]), 'None.')}
</section>
<script>${SORT_SCRIPT}</script>
</body></html>
`;
}
