import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, pointersOf } from '../support/pointers';
import { blockNodeOffset } from '../../lib/scan/block-position';
import { splitDocuments, syntaxTreeLocator } from '../../lib/scan/parse';
import { load } from 'js-yaml';

/**
 * The line reader must answer exactly what the `yaml` syntax tree answers, or give up: checked on
 * every pointer (and a missing child of each, with and without `key`) of every YAML document of
 * the real-world corpus and of the rule cases.
 */
const ROOT = join(__dirname, '..', '..');



describe('blockNodeOffset', () => {
  it('agrees with the yaml syntax tree wherever it answers, and answers for nearly every pointer', () => {
    const files = [...filesUnder(join(ROOT, 'test', 'corpora', 'realworld'), /\.ya?ml$/), ...filesUnder(join(ROOT, 'policies'), /\.ya?ml$/)];
    let answered = 0;
    let asked = 0;
    for (const file of files) {
      for (const slice of splitDocuments(readFileSync(file, 'utf8'))) {
        let value: unknown;
        try {
          value = load(slice.text);
        } catch {
          continue;
        }
        const pointers: string[] = [];
        pointersOf(value, '', pointers);
        const tree = syntaxTreeLocator(slice.text);
        for (const pointer of pointers.slice(0, 150)) {
          for (const key of [false, true]) {
            asked++;
            const fast = blockNodeOffset(slice.text, pointer, key);
            if (fast === undefined) continue;
            answered++;
            if (fast !== tree(pointer, key)) expect({ file: relative(ROOT, file), document: slice.index, pointer, key, fast }).toEqual({ tree: tree(pointer, key) });
          }
        }
      }
    }
    expect(answered / asked).toBeGreaterThan(0.9);
  });

  it('reads the common block forms', () => {
    const text = 'a: 1\nb:\n  c: x\n  d:\n  - 1\n  -   2\n  - e: f\n    g: h\ne: |\n  text\nh:\ni: "q" # c\n';
    const tree = syntaxTreeLocator(text);
    const pointers = ['', '/a', '/b/c', '/b/d/1', '/b/d/2/g', '/e', '/h', '/i', '/b/zz', '/b/d/7', '/e/x'];
    for (const p of pointers) {
      for (const key of [false, true]) expect([p, key, blockNodeOffset(text, p, key)]).toEqual([p, key, tree(p, key)]);
    }
    // A missing key stops at the deepest node found.
    expect(blockNodeOffset(text, '/b/zz', false)).toBe(10);
  });

  it('reads CRLF lines and keys followed by spaces or a comment with their value below (as the tree does)', () => {
    const text = 'spec:\r\n  env: \r\n  - name: A # c\r\n    value: x\r\n  ports: # c\r\n    - 1\r\n';
    const tree = syntaxTreeLocator(text);
    for (const p of ['/spec/env', '/spec/env/0/value', '/spec/ports/0', '/spec/zz']) {
      for (const key of [false, true]) expect([p, key, blockNodeOffset(text, p, key)]).toEqual([p, key, tree(p, key)]);
    }
    expect(blockNodeOffset(text, '/spec/env/0/value', false)).toBe(text.indexOf('x\r'));
    // With no value below, yaml's offset of the null is not what this reader would guess.
    expect(blockNodeOffset('a: \nb: 1\n', '/a', false)).toBeUndefined();
    expect(blockNodeOffset('a: 1\rb: 2\n', '/b', false)).toBeUndefined();
  });

  it('gives up on forms it does not read', () => {
    expect(blockNodeOffset('a: &x\n  b: 1\nc: *x\n', '/c/b', false)).toBeUndefined();
    expect(blockNodeOffset('a: {b: 1}\n', '/a/b', false)).toBeUndefined();
    expect(blockNodeOffset('a: "x\n  y"\nb: 1\n', '/b', false)).toBeUndefined();
    expect(blockNodeOffset('a:\t1\n', '/a', false)).toBeUndefined();
    expect(blockNodeOffset('<<: {x: 1}\nb: 1\n', '/x', false)).toBeUndefined();
    expect(blockNodeOffset('1: a\n', '/1', false)).toBeUndefined();
  });
});
