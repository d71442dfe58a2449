import { describe, expect, it } from 'vitest';
import { parseFile, readFileAs, splitDocuments } from '../../lib/scan/parse';
import { checkText } from '../../lib/scan/run-rules';
import type { Rule } from '../../lib/scan/types';

describe('splitDocuments', () => {
  it('keeps line offsets and skips comment-only documents', () => {
    const text = '# header\n---\na: 1\n---\n# only a comment\n---\nb: 2\nc: 3\n';
    const slices = splitDocuments(text);
    expect(slices.map((s) => [s.startLine, s.text.trim()])).toEqual([
      [2, 'a: 1'],
      [6, 'b: 2\nc: 3'],
    ]);
  });

  it('handles content on the marker line', () => {
    const slices = splitDocuments('--- {a: 1}\n');
    expect(slices).toHaveLength(1);
  });
});

describe('parseFile', () => {
  it('maps pointers to file positions across documents', () => {
    const file = { path: 'x.yaml', kind: 'yaml' as const, text: 'kind: A\n---\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: x\n' };
    const { docs, problems } = parseFile(file);
    expect(problems).toEqual([]);
    expect(docs[1]!.object).toEqual({ kind: 'Secret', name: 's' });
    expect(docs[1]!.positionOf('/stringData/password')).toEqual({ line: 7, column: 13 });
    expect(docs[1]!.positionOf('/stringData/password', { key: true })).toEqual({ line: 7, column: 3 });
  });

  it('reports a broken document with its position and keeps the others', () => {
    const file = { path: 'x.yaml', kind: 'yaml' as const, text: 'a: 1\n---\nb: [1,\n---\nc: 3\n' };
    const { docs, problems } = parseFile(file);
    expect(docs.map((d) => d.value)).toEqual([{ a: 1 }, { c: 3 }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('reads a document with a duplicate key with the later key winning, and reports the key', () => {
    const { docs, problems } = parseFile({ path: 'd.yaml', kind: 'yaml', text: 'a: 1\n---\nkind: Secret\ntype: Opaque\ntype: kubernetes.io/quobyte\n' });
    expect(docs.map((d) => d.value)).toEqual([{ a: 1 }, { kind: 'Secret', type: 'kubernetes.io/quobyte' }]);
    expect(problems).toEqual([{ message: 'duplicate key in a mapping', line: 5, column: 1 }]);
  });

  it('turns an alias bomb into a problem', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    const { docs, problems } = parseFile({ path: 'b.yaml', kind: 'yaml', text: bomb.join('\n') + '\n' });
    expect(docs).toEqual([]);
    expect(problems[0]!.message).toMatch(/alias/);
  });

  it('honours ignore annotations only with a reason', () => {
    const withReason = parseFile({ path: 'a.yaml', kind: 'yaml', text: 'kind: Secret\nmetadata:\n  annotations:\n    secretops.dev/ignore: "no-inline-secret -- demo fixture"\n' });
    const without = parseFile({ path: 'a.yaml', kind: 'yaml', text: 'kind: Secret\nmetadata:\n  annotations:\n    secretops.dev/ignore: no-inline-secret\n' });
    expect([...withReason.docs[0]!.suppressed]).toEqual(['no-inline-secret']);
    expect([...without.docs[0]!.suppressed]).toEqual([]);
  });
});

describe('checkText', () => {
  const rule: Rule = {
    meta: { id: 'test-rule', description: 'd', remediation: 'r.', defaultSeverity: 'error', docs: 'x', scope: 'document' },
    checkDocument(doc, _ctx, report) {
      if (doc.object?.kind === 'Secret') report({ message: 'a Secret', pointer: '/kind' });
    },
  };
  it('positions findings and fingerprints them stably', async () => {
    const a = await checkText(rule, 'a.yaml', 'x: 1\n---\nkind: Secret\nmetadata: {name: s}\n');
    expect(a).toMatchObject([{ ruleId: 'test-rule', severity: 'error', file: 'a.yaml', line: 3, column: 7, object: { kind: 'Secret', name: 's' } }]);
    const b = await checkText(rule, 'a.yaml', '# moved\nx: 1\n---\nkind: Secret\nmetadata: {name: s}\n');
    expect(b[0]!.fingerprint).toBe(a[0]!.fingerprint);
  });
});

describe('readFileAs', () => {
  const store = 'kind: SecretStore\nmetadata: {name: cloak-backend}\nspec:\n  provider:\n    webhook:\n      url: "http://cloak:7105/{{ .remoteRef.key }}"\n';

  it('reads a Jinja raw-wrapped snippet as YAML, the raw lines blanked in place', () => {
    const text = `{% raw %}\n${store}{%- endraw %}\n`;
    const read = readFileAs('docs/store.yaml', text)!;
    expect(read.kind).toBe('yaml');
    expect(read.text).toHaveLength(text.length);
    expect(read.text.split('\n')[1]).toBe('kind: SecretStore');
    const { docs, problems } = parseFile({ path: 'docs/store.yaml', ...read });
    expect(problems).toEqual([]);
    expect(docs.map((d) => d.object)).toEqual([{ kind: 'SecretStore', name: 'cloak-backend' }]);
    expect(docs[0]!.positionOf('/metadata/name').line).toBe(3);
  });

  it('reads ExternalSecret templates (`{{ .x }}` inside strings, or on comment lines) as YAML', () => {
    const es = 'kind: ExternalSecret\nspec:\n  target:\n    template:\n      data:\n        # password: "{{ `{{ .p }}` }}" with helm\n        password: "{{ .p }}"\n        url: |\n          postgres://{{ .u }}@db\n';
    expect(readFileAs('es.yaml', es)).toMatchObject({ kind: 'yaml', text: es });
    // Told without a parse: the outline vouched for the document (the scan reuses it).
    expect(readFileAs('es.yaml', es)?.outlines).toEqual([expect.objectContaining({ rootKind: 'ExternalSecret', actionsInComments: 2 })]);
    // A flow mapping is left to js-yaml, which tells the same.
    const flow = `${es}        other: {a: "{{ .q }}"}\n`;
    expect(readFileAs('es.yaml', flow)).toMatchObject({ kind: 'yaml', text: flow, outlines: [undefined] });
  });

  it('leaves real templates templates', () => {
    const cases: Record<string, string> = {
      // Helm control flow and unquoted actions.
      'a.yaml': '{{- if .Values.on }}\nkind: Secret\n{{- end }}\n',
      'b.yaml': 'kind: Secret\nstringData:\n  password: {{ .Values.password }}\n',
      // Jinja beyond raw blocks.
      'c.yaml': '{% if prod %}\nkind: Secret\n{% endif %}\n',
      // A raw-wrapped file that does not parse is not turned into a parse error.
      'd.yaml': '{% raw %}\nkind: Secret\nx: "{{ .a "b" }}"\n{% endraw %}\n',
      // By path: chart templates stay templates whatever they hold.
      'chart/templates/es.yaml': store,
    };
    for (const [path, text] of Object.entries(cases)) expect(readFileAs(path, text)?.kind, path).toBe('helm-template');
  });

  it('does not expand an alias bomb to count actions', () => {
    const bomb = ['a: &a ["{{ .x }}", "{{ .x }}"]', ...Array.from({ length: 30 }, (_, i) => `${String.fromCharCode(98 + (i % 24))}${i}: &x${i} [*${i === 0 ? 'a' : `x${i - 1}`}, *${i === 0 ? 'a' : `x${i - 1}`}]`)].join('\n');
    expect(readFileAs('bomb.yaml', bomb)?.kind).toBe('helm-template');
  });
});
