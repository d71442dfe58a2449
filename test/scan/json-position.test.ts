import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filesUnder, pointersOf } from '../support/pointers';
import { jsonNodeOffset } from '../../lib/scan/json-position';
import { syntaxTreeLocator } from '../../lib/scan/parse';

/**
 * The JSON reader must answer exactly what the `yaml` syntax tree answers, or give up: checked on
 * every pointer (and a missing child of each, with and without `key`) of every JSON file of the
 * real-world corpus and the rule cases, and on generated JSON.
 */
const ROOT = join(__dirname, '..', '..');



/** Every pointer of the text's value agrees with the tree, or the reader gives up; returns how many it answered. */
function agreeWithTree(text: string, where: string): { answered: number; asked: number } {
  const pointers: string[] = [];
  pointersOf(JSON.parse(text), '', pointers);
  const tree = syntaxTreeLocator(text);
  let answered = 0;
  let asked = 0;
  for (const pointer of pointers.slice(0, 300)) {
    for (const key of [false, true]) {
      asked++;
      const fast = jsonNodeOffset(text, pointer, key);
      if (fast === undefined) continue;
      answered++;
      if (fast !== tree(pointer, key)) expect({ where, pointer, key, fast }).toEqual({ tree: tree(pointer, key) });
    }
  }
  return { answered, asked };
}

describe('jsonNodeOffset', () => {
  it('agrees with the yaml syntax tree on every JSON file of the corpus and the rule cases, answering for all', () => {
    const files = [...filesUnder(join(ROOT, 'test', 'corpora', 'realworld'), /\.json$/), ...filesUnder(join(ROOT, 'policies', 'no-inline-secret'), /\.json$/)];
    expect(files.length).toBeGreaterThan(5);
    let answered = 0;
    let asked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      try {
        JSON.parse(text);
      } catch {
        continue;
      }
      const r = agreeWithTree(text, relative(ROOT, file));
      answered += r.answered;
      asked += r.asked;
    }
    expect(answered).toBe(asked);
  });

  it('agrees with the tree on generated JSON, however it is indented and whatever its line ends', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(0, 1, 2, '\t'), fc.boolean(), (value, indent, crlf) => {
        const text = JSON.stringify(value, null, indent);
        const spaced = crlf ? text.replace(/\n/g, '\r\n') : text;
        agreeWithTree(spaced, spaced);
      }),
      { numRuns: 300 },
    );
  });

  it('gives up on what is not plain JSON, and on a repeated key on the way', () => {
    expect(jsonNodeOffset('{"a": 1, "a": 2}', '/a', false)).toBeUndefined();
    expect(jsonNodeOffset('{a: 1}', '/a', false)).toBeUndefined();
    expect(jsonNodeOffset('{"a": [1, 2,]}', '/a/1', false)).toBeUndefined();
    expect(jsonNodeOffset('{"a": 1 // c\n}', '/a', false)).toBeUndefined();
    expect(jsonNodeOffset(`${'['.repeat(600)}${']'.repeat(600)}`, '/0', false)).toBe(1);
    expect(jsonNodeOffset(`{"a": ${'['.repeat(600)}${']'.repeat(600)}, "b": 1}`, '/b', false)).toBeUndefined();
  });
});
