import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { credentialKeyMatcher } from '../../lib/credential-like';
import { loadBlockYaml, outlineBlockYaml, type DocumentOutline } from '../../lib/scan/block-outline';
import { isParseProblem, parseSlice, splitDocuments } from '../../lib/scan/parse';
import { checkText } from '../../lib/scan/run-rules';
import type { Rule, RuleContext, ScanFile } from '../../lib/scan/types';
import noInlineSecret from '../../policies/no-inline-secret';
import { filesUnder } from '../support/pointers';
import { findingLines, scanFiles } from '../support/scan';

/**
 * The block-YAML outline decides that a document is not parsed: it must never vouch for a
 * document js-yaml refuses, and what it tells (root kind and keys, `{name, value}` names) must be
 * what the parsed value holds. no-inline-secret's `readsOutline` must never turn down a document
 * the rule would report on.
 */

const file = (text: string): ScanFile => ({ path: 'doc.yaml', kind: 'yaml', text });

/** What js-yaml (through the scanner's own parse) makes of one document: undefined if it refuses. */
function parsed(text: string): { value: unknown } | undefined {
  const r = parseSlice(file(text), { text, startLine: 0, index: 0 });
  return isParseProblem(r) || r.problem ? undefined : { value: r.value };
}

/** Names of every mapping holding a string `name` and a string `value`. */
function pairs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) pairs(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.name === 'string' && typeof o.value === 'string') out.push(o.name);
    for (const k of Object.keys(o)) pairs(o[k], out);
  }
  return out;
}

/** The outline agrees with the parsed value (a sound outline of a document js-yaml loads). */
function expectFaithful(text: string, outline: DocumentOutline): void {
  const loaded = parsed(text);
  expect(loaded, `js-yaml refuses a document the outline vouched for:\n${text}`).toBeDefined();
  const value = loaded!.value;
  const root = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  expect([...outline.rootKeys].sort()).toEqual(Object.keys(root ?? {}).sort());
  if (typeof root?.kind === 'string') expect(outline.rootKind).toBe(root.kind);
  if (root && !('kind' in root)) expect(outline.rootKind).toBeUndefined();
  if (!outline.pairNames.includes(undefined)) for (const name of pairs(value)) expect(outline.pairNames).toContain(name);
  if (!outline.encoded) expect(countOf(text, '{{') - outline.actionsInComments).toBe(actionsInStrings(value));
  // The value built in the same pass is the one js-yaml loads, and so is its outline.
  const built = loadBlockYaml(text);
  expect(built?.outline, `loadBlockYaml refuses a document the outline reads:\n${text}`).toEqual(outline);
  expect(built!.value, `loadBlockYaml builds another value than js-yaml loads:\n${text}`).toStrictEqual(value);
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** `{{` in the keys and string values of a parsed value, as readFileAs counts them. */
function actionsInStrings(value: unknown): number {
  if (typeof value === 'string') return countOf(value, '{{');
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + actionsInStrings(v), 0);
  if (value && typeof value === 'object') return Object.entries(value).reduce((n, [k, v]) => n + countOf(k, '{{') + actionsInStrings(v), 0);
  return 0;
}

describe('loadBlockYaml', () => {
  it('builds the value js-yaml loads: scalars resolved by the core schema, empty collections, nulls', () => {
    const text = ['a: 1', 'b: "1"', 'c: true', "d: 'null'", 'e: ~', 'f:', 'g: 0x1F', 'h: -.inf', 'i: 1.5 # trailing', 'j: []', 'k: {}', 'l:', '- x', '-', '  - 2', '- m: n', '  o: p', 'q: yes'].join('\n');
    expect(loadBlockYaml(text)?.value).toStrictEqual({ a: 1, b: '1', c: true, d: 'null', e: null, f: null, g: 31, h: -Infinity, i: 1.5, j: [], k: {}, l: ['x', [2], { m: 'n', o: 'p' }], q: 'yes' });
    expect(loadBlockYaml(text)?.value).toStrictEqual(parsed(text)?.value);
  });

  it.each([
    ['literal, clipped', 'a: |\n  x\n   y\n\nb: 1'],
    ['literal, kept, at the end without a line break', 'a: |+\n  x\n\n'],
    ['literal, stripped, CRLF', 'a: |-\r\n  x\r\n  y\r\n\r\n'],
    ['folded, with more-indented and blank lines', 'a: >\n  one\n  two\n\n    deeper\n  three\n'],
    ['a blank line deeper than the content, which is text', 'a: |\n  x\n     \n  y'],
    ['only blank lines', 'a: |+\n\n  \nb: 2'],
    ['in a sequence, with a comment after its header', '- | # note\n  x\n- >-\n  y\n  z'],
  ])('builds a block scalar as js-yaml does: %s', (_what, text) => {
    expect(loadBlockYaml(text)).toBeDefined();
    expect(loadBlockYaml(text)!.value).toStrictEqual(parsed(text)?.value);
  });

  it('builds every block scalar as js-yaml does (property)', () => {
    const body = fc.array(fc.constantFrom('', ' ', '  ', '   ', '      ', 'x', 'x y', ' x', '  x  ', '\tx', '# h', 'a: b', '- c'), { maxLength: 8 });
    fc.assert(
      fc.property(fc.constantFrom('|', '|-', '|+', '>', '>-', '>+'), fc.constantFrom(0, 2), fc.constantFrom(1, 2, 4), body, fc.constantFrom('', '\n', '\nnext: 1', '\n# c', '\n\n'), fc.boolean(), (head, at, step, lines, after, crlf) => {
        const rendered = [`${' '.repeat(at)}k: ${head}`, ...lines.map((l) => (l.trim() === '' ? l : `${' '.repeat(at + step)}${l}`))];
        const text = (at > 0 ? 'top:\n' : '') + rendered.join('\n') + (at > 0 ? after.replace('\nnext', '\n  next') : after);
        const lf = crlf ? text.replace(/\n/g, '\r\n') : text;
        const built = loadBlockYaml(lf);
        const loaded = parsed(lf);
        if (built) {
          expect(loaded, `js-yaml refuses:\n${lf}`).toBeDefined();
          expect(built.value, lf).toStrictEqual(loaded!.value);
        }
      }),
      { numRuns: 4000 },
    );
  });
});

describe('outlineBlockYaml', () => {
  it('reads a CRD-like document: root kind and keys, block scalars, quoted scalars with escapes', () => {
    const text = [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: widgets.example.com # the plural',
      '  annotations:',
      '    controller-gen.kubebuilder.io/version: v0.16.1',
      'spec:',
      '  versions:',
      '  - name: v1',
      '    schema:',
      '      openAPIV3Schema:',
      '        description: "A widget.\\nIt has \\"parts\\"."',
      '        properties:',
      '          size:',
      '            description: |-',
      '              How big.',
      '',
      '                Indented text: with colons # and hashes',
      '            type: integer',
      "          label: {}",
      "          note: 'it''s'",
      '        required: []',
      '    served: true',
    ].join('\n');
    const outline = outlineBlockYaml(text);
    expect(outline).toEqual({ rootKind: 'CustomResourceDefinition', rootKeys: ['apiVersion', 'kind', 'metadata', 'spec'], pairNames: [], encoded: false, actionsInComments: 0 });
    expectFaithful(text, outline!);
  });

  it('names every {name, value} mapping, in container env and elsewhere, and reads CRLF lines', () => {
    const text = 'kind: Deployment\r\nspec:\r\n  env:\r\n  - name: DB_HOST\r\n    value: db\r\n  -   name: "LOG_LEVEL"\r\n      value: debug\r\n  - name: FROM\r\n    valueFrom: {}\r\n';
    const outline = outlineBlockYaml(text)!;
    expect(outline.pairNames).toEqual(['DB_HOST', 'LOG_LEVEL']);
    expectFaithful(text, outline);
  });

  it('marks numeric escapes, which can spell text the raw document does not show', () => {
    expect(outlineBlockYaml('a: "\\x67hp_"')?.encoded).toBe(true);
    expect(outlineBlockYaml('a: "\\u0041"')?.encoded).toBe(true);
    expect(outlineBlockYaml('a: "\\n\\t\\\\"')?.encoded).toBe(false);
  });

  it.each([
    ['a flow collection', 'a: [x]'],
    ['an anchor', 'a: &x 1'],
    ['an alias', 'a: *x'],
    ['a tag', 'a: !env X'],
    ['a merge key', '<<: {}'],
    ['a multi-line plain scalar', 'a: one\n  two'],
    ['a multi-line quoted scalar', 'a: "one\n  two"'],
    ['a duplicate key', 'a: 1\nb: 2\na: 3'],
    ['keys the core schema reads as the same boolean', 'true: 1\nTrue: 2'],
    ['keys the core schema reads as the same float', '.5: a\n.50: b'],
    ['a key the core schema reads as a float', 'a: 1\n._5: b'],
    ['a tab in the indentation', 'a:\n\tb: 1'],
    ['a mapping value inside a plain scalar', 'a: b: c'],
    ['a deeper line after a scalar', 'a: b\n  c: d'],
    ['a shallower key than its mapping', 'a:\n    b: 1\n  c: 2'],
    ['a sequence entry beside mapping keys', 'a: 1\n- b'],
    ['an unknown escape', 'a: "\\q"'],
    ['a lone carriage return', 'a: 1\rb: 2'],
    ['a non-printable character', 'a: \u0007'],
    ['a directive', '%YAML 1.2\na: 1'],
    ['a block scalar indentation indicator', 'a: |2\n  x'],
    ['a block scalar line between the parent and the content indentation', 'a: |\n    x\n  y'],
    ['a root kind that is a block scalar', 'kind: |\n  Secret'],
    ['a root kind on the next line', 'kind:\n  Secret'],
    ['a root scalar', 'just text'],
    ['a key with a space before its colon', 'a : 1'],
    ['an empty sequence entry closed by a shallower one (js-yaml reads it against the spec)', '-\n  -\n- x'],
  ])('leaves %s to js-yaml', (_what, text) => {
    expect(outlineBlockYaml(text)).toBeUndefined();
  });

  it('never vouches for a document js-yaml refuses, and tells what the value holds (property)', () => {
    const key = fc.constantFrom('a', 'b', 'name', 'value', 'kind', 'env', 'items', 'true', 'null', '"a"', "'b'", 'x-y', 'a.b/c', '$ref', '.inf', '.5', '.50', '._5', '.a', '_k', 'a#b', 'a]b', '-a', '1', '<<');
    const scalar = fc.constantFrom(
      'plain', 'Secret', 'DB_PASSWORD', 'a {{ b }}', 'a #{{ c', 'x: y', 'x:y', '-1', '- x', '-', '?x', ':x', '::1', '%x', '@x', '`x', 'a #c', 'a#b', 'a ## b', '"q"', '"a\\nb"', '"a\\"b"',
      '"bad\\q"', '"x\\x41"', '"\\u00e9"', '"\\U0001F600"', '"un', "'s''t'", "'un", "''", '|', '|-', '>+', '|2', '| x', '[]', '{}', '[a]', '{a: 1}', '&a x', '*a',
      '!t x', 'null', '~', 'true', '0x1F', '1e3', 'tab\tx', 'x ', '"q" x', "'q'#c", '---', '...', 'é', '[', ']',
      // What the core schema resolves, and what it leaves as text.
      '-0', '+1', '0o17', '0b11', '0755', '1.5', '1.', '-.5', '1e400', '-.inf', '.NaN', 'True', 'FALSE', 'Null', 'NULL', 'yes', 'off', '0x', '+', '1_000', '2026-12-04', '<<', '<< x',
    );
    const indent = fc.constantFrom(0, 0, 1, 2, 2, 3, 4, 4, 6);
    const line = fc.oneof(
      fc.tuple(indent, key, scalar).map(([n, k, v]) => `${' '.repeat(n)}${k}: ${v}`),
      fc.tuple(indent, key).map(([n, k]) => `${' '.repeat(n)}${k}:`),
      fc.tuple(indent, scalar).map(([n, v]) => `${' '.repeat(n)}- ${v}`),
      fc.tuple(indent, key, scalar).map(([n, k, v]) => `${' '.repeat(n)}- ${k}: ${v}`),
      fc.tuple(indent, key).map(([n, k]) => `${' '.repeat(n)}- ${k}:`),
      indent.map((n) => `${' '.repeat(n)}-`),
      indent.map((n) => `${' '.repeat(n)}# comment {{ .x }}`),
      fc.constantFrom('', '  ', '\t', '\tx: 1', 'x:\t1'),
      fc.tuple(indent, scalar).map(([n, v]) => `${' '.repeat(n)}${v}`),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 14 }), fc.boolean(), (lines, crlf) => {
        const text = lines.join(crlf ? '\r\n' : '\n');
        const outline = outlineBlockYaml(text);
        if (outline) expectFaithful(text, outline);
      }),
      { numRuns: 4000 },
    );
  });

  it('never vouches for a mutated manifest js-yaml refuses (property over rendered trees)', () => {
    type Node = { map: [string, Node][] } | { seq: Node[] } | { scalar: string } | { block: string; lines: string[] };
    // Mostly forms the outline reads, some it must refuse: long documents near the boundary.
    const key = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'name', 'value', 'kind', 'env', 'spec', '"q"', 'x-y', 'a.b/c', '$ref', 'a#b') },
      { weight: 1, arbitrary: fc.constantFrom('true', '1', '<<', 'a b', '"q\\"') },
    );
    const scalar = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom('plain', 'Secret', 'DB_PASSWORD', 'x:y', '-1', '?x', '8080', 'true', '1.5', '0o7', '~', '""', 'a #c', 'a#b', '"q"', '"a\\nb"', '"x\\x41"', "'s''t'", '[]', '{}', 'null', '~', '0x1F', '---', 'é', 'a {{ .x }}', '"{{ .y }}" # {{ z }}', "'{{{{'", 'x #{{ c }}', '{}  # {{') },
      { weight: 1, arbitrary: fc.constantFrom('x: y', '- x', '%x', '"bad\\q"', '"un', "'un", '[a]', '&a x', '*a', '!t x', 'tab\tx') },
    );
    const content = fc.constantFrom('text', 'key: v', '# not a comment', '', '  deeper', '\tx', '- item', 'trailing  ', '    ', ' ', 'more text');
    const tree = fc.letrec<{ node: Node }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        scalar.map((v): Node => ({ scalar: v })),
        fc.tuple(fc.constantFrom('|', '|-', '>', '|+', '|2', '>-', '>+', '| # c'), fc.array(content, { maxLength: 6 })).map(([block, lines]): Node => ({ block, lines })),
        fc.array(fc.tuple(key, tie('node')), { minLength: 1, maxLength: 4 }).map((map): Node => ({ map })),
        fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((seq): Node => ({ seq })),
      ),
    })).node;
    const pad = (n: number) => ' '.repeat(Math.max(0, n));
    // Renders a node as block YAML; `step` picks each indentation (2 mostly; 0, 1 or 4 now and then).
    function render(node: Node, n: number, step: () => number, out: string[], lead?: string): void {
      if ('scalar' in node || 'block' in node) {
        const head = 'scalar' in node ? node.scalar : node.block;
        out.push(lead !== undefined ? `${lead}${head}` : `${pad(n)}${head}`);
        if ('block' in node) for (const l of node.lines) out.push(l === '' ? '' : `${pad(n + step())}${l}`);
        return;
      }
      if ('map' in node) {
        node.map.forEach(([k, v], i) => {
          const first = i === 0 && lead !== undefined ? lead : pad(n);
          if ('scalar' in v || 'block' in v) render(v, n, step, out, `${first}${k}: `);
          else {
            out.push(`${first}${k}:`);
            render(v, 'seq' in v ? n + step() - 2 : n + step(), step, out);
          }
        });
        return;
      }
      if (lead !== undefined) out.push(lead.trimEnd());
      for (const item of node.seq) {
        if ('map' in item) render(item, n + 2, step, out, `${pad(n)}- `);
        else if ('seq' in item) {
          out.push(`${pad(n)}-`);
          render(item, n + step(), step, out);
        } else render(item, n, step, out, `${pad(n)}- `);
      }
    }
    fc.assert(
      fc.property(tree, fc.array(fc.constantFrom(2, 2, 2, 2, 0, 1, 4, 3)), fc.array(fc.tuple(fc.nat(), fc.constantFrom('shift+', 'shift-', 'dup', 'drop', 'tab'))), (root, steps, mutations) => {
        let k = 0;
        const step = () => steps[k++ % Math.max(1, steps.length)] ?? 2;
        const lines: string[] = [];
        render(root, 0, step, lines);
        for (const [at, what] of mutations.slice(0, 3)) {
          const i = at % lines.length;
          if (what === 'shift+') lines[i] = ` ${lines[i]}`;
          else if (what === 'shift-') lines[i] = lines[i]!.replace(/^ /, '');
          else if (what === 'dup') lines.splice(i, 0, lines[i]!);
          else if (what === 'drop' && lines.length > 1) lines.splice(i, 1);
          else if (what === 'tab') lines[i] = lines[i]!.replace(/^ /, '\t');
        }
        const text = lines.join('\n');
        const outline = outlineBlockYaml(text);
        if (outline) expectFaithful(text, outline);
      }),
      { numRuns: 6000 },
    );
  });
});

const corpus = join(__dirname, '..', 'corpora', 'realworld');

function corpusDocuments(): { path: string; text: string }[] {
  return filesUnder(corpus, /\.ya?ml$/).flatMap((p) => splitDocuments(readFileSync(p, 'utf8')).map((s) => ({ path: p.slice(corpus.length + 1), text: s.text })));
}

describe('the outline on the real-world corpus', () => {
  const docs = corpusDocuments();

  it('is faithful on every document it reads, and reads most of the bytes', () => {
    let bytes = 0;
    let read = 0;
    for (const d of docs) {
      bytes += d.text.length;
      const outline = outlineBlockYaml(d.text);
      if (!outline) continue;
      read += d.text.length;
      expectFaithful(d.text, outline);
    }
    // Measured: 6.2 of 6.4 MB. Far less would mean the fast path quietly stopped applying.
    expect(read / bytes).toBeGreaterThan(0.9);
  });

  it('no-inline-secret reports nothing on any document its readsOutline turns down', async () => {
    const ctx = { isCredentialKey: credentialKeyMatcher() } as RuleContext;
    let declined = 0;
    for (const d of docs) {
      const outline = outlineBlockYaml(d.text);
      if (!outline || noInlineSecret.meta.readsOutline!(outline, { path: d.path }, ctx, d.text)) continue;
      declined++;
      expect(await checkText(noInlineSecret, d.path, d.text), d.path).toEqual([]);
    }
    expect(declined).toBeGreaterThan(100);
  });
});

describe("no-inline-secret's readsOutline", () => {
  const ctx = { isCredentialKey: credentialKeyMatcher() } as RuleContext;
  const reads = (text: string, path = 'crd.yaml') => noInlineSecret.meta.readsOutline!(outlineBlockYaml(text)!, { path }, ctx, text);
  const crd = (body: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: w.example.com\nspec:\n${body}`;

  it('turns down a CRD whose prose mentions secrets, tokens and private keys', () => {
    expect(reads(crd('  description: The secret token; the first PEM block is a PRIVATE KEY block.\n'))).toBe(false);
  });

  it('reads a CRD holding a token, a private key header, an escaped token or a credential-like {name, value}', () => {
    expect(reads(crd(`  description: uses ghp_${'a'.repeat(36)}\n`))).toBe(true);
    expect(reads(crd('  example: |\n    -----BEGIN RSA\n    PRIVATE KEY-----\n'))).toBe(true);
    expect(reads(crd('  description: "\\x67hp_"\n'))).toBe(true);
    expect(reads(crd('  default:\n  - name: DB_PASSWORD\n    value: hunter2\n'))).toBe(true);
    expect(reads(crd('  default:\n  - name: DB_HOST\n    value: db\n'))).toBe(false);
  });

  it('reads every kind and key whose own fields it checks, and values files by path', () => {
    for (const kind of ['Secret', 'ConfigMap', 'HelmRelease', 'HelmChart', 'Application', 'ApplicationSet', 'ConfigMapList']) expect(reads(`kind: ${kind}\nmetadata:\n  name: x\n`)).toBe(true);
    for (const key of ['secretGenerator', 'patches', 'patchesJson6902', 'patchesStrategicMerge', 'helmCharts']) expect(reads(`kind: Kustomization\n${key}: []\n`)).toBe(true);
    expect(reads('auth:\n  password: hunter2\n', 'chart/values.yaml')).toBe(true);
    expect(reads('auth:\n  password: hunter2\n', 'chart/config.yaml')).toBe(false);
  });

  it('end to end: a document other rules read is not walked by no-inline-secret when its outline says nothing can be found', async () => {
    const spy = vi.spyOn(noInlineSecret as { checkDocument: NonNullable<Rule['checkDocument']> }, 'checkDocument');
    try {
      const deployment = (env: string) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        env:\n${env}`;
      const harmless = await scanFiles({ 'app.yaml': deployment('        - name: LOG_LEVEL\n          value: debug\n        - name: DB\n          valueFrom:\n            secretKeyRef:\n              name: db\n              key: url\n') });
      // missing-secret-ref still reads it (the Secret `db` exists nowhere); no-inline-secret does not.
      expect(findingLines(harmless.findings)).toEqual(['missing-secret-ref app.yaml:16:21']);
      expect(spy).not.toHaveBeenCalled();
      const literal = await scanFiles({ 'app.yaml': deployment('        - name: DB_PASSWORD\n          value: hunter2\n') });
      expect(findingLines(literal.findings)).toEqual(['no-inline-secret app.yaml:12:11']);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('end to end: a prose-only CRD is not parsed; a credential-like default and a syntax error are still reported', async () => {
    const prose = crd('  description: The secret token; the first PEM block is a PRIVATE KEY block.\n');
    const clean = await scanFiles({ 'crd.yaml': prose });
    expect(clean.findings).toEqual([]);
    expect(clean.stats).toMatchObject({ documents: 1, parsedDocuments: 0 });
    const flagged = await scanFiles({ 'crd.yaml': crd('  default:\n  - name: DB_PASSWORD\n    value: hunter2\n'), 'broken.yaml': `${prose}  bad: [\n` });
    expect(findingLines(flagged.findings)).toEqual(['parse-error broken.yaml:8:1', 'no-inline-secret crd.yaml:8:5']);
    expect(flagged.stats).toMatchObject({ documents: 2, parsedDocuments: 2 });
  });
});
