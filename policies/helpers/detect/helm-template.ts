/**
 * Makes a Helm (Go template) or Jinja file parseable as YAML without moving anything: every
 * character keeps its offset, so positions found in the result are positions in the template.
 *
 * - a line holding only template actions (`{{- if .Values.x }}`, `{{ include ... | nindent 4 }}`,
 *   `{% raw %}`) becomes blank;
 * - an action inside a line (`password: {{ .Values.password }}`) becomes `${___}` of the same
 *   length, which the value classifier treats as a substitution, never as a literal.
 * Multi-line actions keep their line breaks. Whatever still fails to parse is scanned as text.
 * Linear in the size of the text whatever it holds (unclosed openers, one huge line).
 */
const OPENER = /\{[{%#]/g;
const CLOSER: Readonly<Record<string, string>> = { '{{': '}}', '{%': '%}', '{#': '#}' };

export function neutralizeTemplate(text: string): string {
  const spans = actionSpans(text);
  if (spans.length === 0) return text;
  // Which lines have content outside actions: those keep a filler, the others become blank.
  const covered = new Uint8Array(text.length);
  for (const [start, end] of spans) covered.fill(1, start, end);
  const lineHasContent: boolean[] = [];
  let line = 0;
  let content = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineHasContent[line++] = content;
      content = false;
    } else if (!covered[i] && c !== 32 && c !== 9 && c !== 13) content = true;
  }
  lineHasContent[line] = content;
  const out: string[] = [];
  let last = 0;
  let lineOf = 0;
  let scanned = 0;
  for (const [start, end] of spans) {
    for (; scanned < start; scanned++) if (text.charCodeAt(scanned) === 10) lineOf++;
    out.push(text.slice(last, start));
    const action = text.slice(start, end);
    const multiLine = action.includes('\n');
    if (multiLine || !lineHasContent[lineOf]) out.push(action.replace(/[^\n]/g, ' '));
    else out.push(action.length >= 4 ? '${' + '_'.repeat(action.length - 3) + '}' : ' '.repeat(action.length));
    last = end;
  }
  out.push(text.slice(last));
  return out.join('');
}

/** [start, end) of every `{{ }}`, `{% %}` and `{# #}` action, in order, without nesting. */
function actionSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  // A closer that is missing after one opener is missing after every later one: look once.
  const unclosed = new Set<string>();
  OPENER.lastIndex = 0;
  for (let m = OPENER.exec(text); m; m = OPENER.exec(text)) {
    if (unclosed.has(m[0])) continue;
    const close = text.indexOf(CLOSER[m[0]]!, m.index + 2);
    if (close < 0) {
      unclosed.add(m[0]); // leave the text as it is
      continue;
    }
    spans.push([m.index, close + 2]);
    OPENER.lastIndex = close + 2;
  }
  return spans;
}
