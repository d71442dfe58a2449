import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { parseYamlSource, positionOf } from '../../lib/yaml-source';
import { REPO_ROOT } from '../support/tmp';

/** The fast js-yaml path must read every plain document exactly as the position-keeping parser does. */
const full = (text: string) => parseDocument(text, { uniqueKeys: true }).toJS() ?? null;

describe('parseYamlSource', () => {
  it('reads the example catalog and fixtures as the full parser does, with positions on demand', () => {
    const files = [join(REPO_ROOT, 'services.yaml'), ...readdirSync(join(REPO_ROOT, 'fixtures')).map((f) => join(REPO_ROOT, 'fixtures', f))];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const src = parseYamlSource(f, text);
      expect(src.value, f).toEqual(full(text));
    }
    const src = parseYamlSource('services.yaml', readFileSync(join(REPO_ROOT, 'services.yaml'), 'utf8'));
    expect(positionOf(src, '/spec/vault/kvMount')).toEqual({ line: 12, column: 14 });
  });

  it('agrees with the full parser on generated documents', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), // -0 reads as 0 on the fast path: no catalog field can tell them apart.
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)));
    const doc = fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(scalar, fc.array(scalar), fc.dictionary(fc.string({ minLength: 1 }), scalar)));
    fc.assert(
      fc.property(doc, (value) => {
        const text = stringify(value);
        expect(parseYamlSource('x.yaml', text).value).toEqual(full(text));
      }),
      { numRuns: Number(process.env.YAML_SOURCE_RUNS ?? 300) },
    );
  });

  it('agrees on YAML 1.2 core scalars that other schemas read differently', () => {
    const text = 'a: 010\nb: yes\nc: 2026-12-01\nd: 0o17\ne: ~\nf: 1e3\ng: "1"\nh: True\ni: .inf\n';
    expect(parseYamlSource('x.yaml', text).value).toEqual(full(text));
    expect(parseYamlSource('x.yaml', '').value).toBeNull();
  });

  it('still reports duplicate keys and syntax errors with their position', () => {
    expect(() => parseYamlSource('x.yaml', 'a: 1\na: 2\n')).toThrow(/x\.yaml:2:1: not valid YAML/);
    expect(() => parseYamlSource('x.yaml', 'a: [1,\n')).toThrow(/x\.yaml:\d+:\d+: not valid YAML/);
  });
});
