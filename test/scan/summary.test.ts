import { describe, expect, it } from 'vitest';
import { scan } from '../../lib/scan/engine';
import { checkText } from '../../lib/scan/run-rules';
import { prune, Shape } from '../../lib/scan/summary';
import type { ManifestDocument, Rule } from '../../lib/scan/types';
import { RULES } from '../../policies';
import { testConfig } from '../support/scan';

describe('prune (summary shapes)', () => {
  const doc = {
    kind: 'Secret',
    metadata: { name: 's', labels: { a: '1' }, uid: 'x' },
    data: { password: 'c2VjcmV0', user: 'dXNlcg==' },
    spec: { list: [{ keep: 1, drop: 2 }, 'scalar', { keep: 3 }] },
  };

  it('keeps named keys, `*` for the others, `null` for presence only, in the document order', () => {
    const shape: Shape = { kind: true, metadata: { name: true, labels: true }, data: { '*': null }, spec: { list: { keep: true } } };
    expect(prune(doc, shape)).toEqual({
      kind: 'Secret',
      metadata: { name: 's', labels: { a: '1' } },
      data: { password: null, user: null },
      spec: { list: [{ keep: 1 }, 'scalar', { keep: 3 }] },
    });
    expect(Object.keys(prune({ b: 1, a: 2 }, { a: true, b: true }) as object)).toEqual(['b', 'a']);
  });

  it('keeps array indices, so pointers into the summary are pointers into the document', () => {
    const out = prune(doc, { spec: { list: { keep: true } } }) as { spec: { list: unknown[] } };
    expect(out.spec.list).toHaveLength(3);
    expect(out.spec.list[2]).toEqual({ keep: 3 });
  });

  it('keeps a __proto__ key as data, without touching the prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "kind": "X"}') as Record<string, unknown>;
    const out = prune(value, { '*': true }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** A project rule that keeps only `metadata.name` and reports each object's name field. */
function namesProbe(seen: unknown[]): Rule {
  return {
    meta: { id: 'names-probe', description: 'test', remediation: 'Nothing to do.', defaultSeverity: 'warning', docs: 'x', scope: 'project', interest: /kind:/ },
    summarize: (doc) => prune(doc.value, { kind: true, metadata: { name: true } }),
    checkProject(docs: readonly ManifestDocument[], _ctx, report) {
      for (const d of docs) {
        seen.push({ value: d.value, text: d.text, file: d.file.text.length });
        report({ doc: d, pointer: '/metadata/name', message: `named ${(d.value as { metadata: { name: string } }).metadata.name}` });
      }
    },
  };
}

describe('project rules with summaries', () => {
  const text = 'kind: A\nmetadata:\n  name: a\n  annotations:\n    big: xxxxxxxxxxxxxxxxxxxxxxxx\n---\nnot: an object\n---\nkind: B\nmetadata:\n  annotations:\n    secretops.dev/ignore: names-probe -- reviewed\n  name: b\n';
  const sources = () => ({ files: [{ path: 'a.yaml', size: text.length, read: () => Buffer.from(text) }], warnings: [] });

  it('see only their summaries, of the documents their interest matches; text is read again, positions only for findings', async () => {
    const seen: unknown[] = [];
    const result = await scan({ cwd: '/', rules: [namesProbe(seen)], config: testConfig(), sources: sources() });
    expect(seen).toEqual([
      { value: { kind: 'A', metadata: { name: 'a' } }, text: 'kind: A\nmetadata:\n  name: a\n  annotations:\n    big: xxxxxxxxxxxxxxxxxxxxxxxx', file: text.length },
      { value: { kind: 'B', metadata: { name: 'b' } }, text: expect.stringContaining('kind: B'), file: text.length },
    ]);
    expect(result.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual(['a.yaml:3:9 named a']);
    // The inline suppression on b counts the project finding it kept out.
    expect(result.suppressions.map((s) => [s.line, s.suppressed])).toEqual([[12, 1]]);
  });

  it('give the same findings through checkText (rule tests exercise the shapes)', async () => {
    const findings = await checkText(namesProbe([]), 'a.yaml', text);
    expect(findings.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual(['3:9 named a']);
  });

  it('every shipped project rule declares a summary (none keeps whole documents)', () => {
    expect(RULES.filter((r) => r.checkProject && !r.summarize).map((r) => r.meta.id)).toEqual([]);
  });
});
