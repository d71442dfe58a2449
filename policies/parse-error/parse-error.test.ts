import { describe, expect, it } from 'vitest';
import { checkText } from '../../lib/scan/run-rules';
import { findingLines, scanFiles } from '../../test/support/scan';
import { parseError } from '.';

describe('parse-error', () => {
  it('reports the position the parser stopped at, per broken document', async () => {
    const text = 'a: 1\n---\nb: [1,\n---\nc: 3\n---\nd: "open\n';
    const findings = await checkText(parseError, 'x.yaml', text);
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [4, 'not valid YAML: unexpected end of the stream within a flow collection'],
      [8, 'not valid YAML: unexpected end of the stream within a double quoted scalar'],
    ]);
  });

  it('reports duplicate keys and names JSON as JSON', async () => {
    expect((await checkText(parseError, 'd.yaml', 'a: 1\na: 2\n')).map((f) => f.message)).toEqual(['not valid YAML: duplicate key in a mapping']);
    const json = await checkText(parseError, 'd.json', '{"a": 1, "a": 2}');
    expect(json.map((f) => [f.line, f.message])).toEqual([[1, 'not valid JSON: duplicate key in a mapping']]);
  });

  it('keeps checking the healthy documents of a broken file with the other rules', async () => {
    const result = await scanFiles({
      'm.yaml': 'kind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    secretops.dev/ignore: parse-error\n---\nbroken: [\n',
    });
    expect(findingLines(result.findings)).toEqual(['invalid-suppression m.yaml:5:27', 'parse-error m.yaml:8:1']);
  });

  it('does not parse Helm or Jinja templates as YAML', async () => {
    const result = await scanFiles({
      'chart/templates/deploy.yaml': 'metadata:\n  name: {{ include "x" . }}\n  {{- if .Values.a }}\n',
      'docs/snippet.yaml': '{% raw %}\nkind: ConfigMap\n{% endraw %}\n',
    });
    expect(result.findings).toEqual([]);
  });

  it('never quotes the offending text', async () => {
    const findings = await checkText(parseError, 'q.yaml', 'password: !<tag:hunter2-very-secret> x\nother: *hunter2-alias\n');
    for (const f of findings) expect(f.message).not.toMatch(/hunter2/);
    expect(findings.length).toBeGreaterThan(0);
  });
});
