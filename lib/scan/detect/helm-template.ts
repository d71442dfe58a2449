/**
 * Makes a Helm (Go template) or Jinja file parseable as YAML without moving anything: every
 * character keeps its offset, so positions found in the result are positions in the template.
 *
 * - a line holding only template actions (`{{- if .Values.x }}`, `{{ include ... | nindent 4 }}`,
 *   `{% raw %}`) becomes blank;
 * - an action inside a line (`password: {{ .Values.password }}`) becomes `${___}` of the same
 *   length, which the value classifier treats as a substitution, never as a literal.
 * Multi-line actions keep their line breaks. Whatever still fails to parse is scanned as text.
 */
const ACTION = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g;

export function neutralizeTemplate(text: string): string {
  if (!text.includes('{{') && !text.includes('{%') && !text.includes('{#')) return text;
  const blanked = text.replace(ACTION, (m, offset: number) => {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const lineEndRaw = text.indexOf('\n', offset + m.length);
    const lineEnd = lineEndRaw === -1 ? text.length : lineEndRaw;
    const before = text.slice(lineStart, offset);
    const after = text.slice(offset + m.length, lineEnd);
    const onlyActions = /^\s*$/.test(before) && /^\s*$/.test(after.replace(ACTION, ''));
    if (onlyActions || m.includes('\n')) return m.replace(/[^\n]/g, ' ');
    return m.length >= 4 ? '${' + '_'.repeat(m.length - 3) + '}' : ' '.repeat(m.length);
  });
  return blanked;
}
