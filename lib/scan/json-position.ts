import { pointerSegments } from '../json-pointer';

/**
 * The offset of the node a JSON pointer names in a JSON document, read token by token: what the
 * `yaml` syntax tree answers (the value's first character; the key's opening quote with `key`; the
 * deepest node found when a segment is missing) without loading `yaml` (tens of milliseconds at
 * start-up, for the one finding a JSON manifest has). Undefined for anything but plain JSON
 * (comments, YAML flow syntax, a duplicate key on the way): the caller builds the syntax tree.
 * `test/scan/json-position.test.ts` checks every pointer of the corpus' JSON files against the tree.
 */
export function jsonNodeOffset(text: string, pointer: string, key: boolean): number | undefined {
  const r = new JsonReader(text);
  let at = r.skipSpace(0);
  if (at >= text.length) return undefined;
  let keyOffset: number | undefined;
  for (const seg of pointerSegments(pointer)) {
    const c = text[at];
    let found: { key?: number; value: number } | undefined | null;
    if (c === '{') found = r.member(at, seg);
    else if (c === '[') found = /^(0|[1-9]\d*)$/.test(seg) ? r.element(at, Number(seg)) : undefined;
    else found = undefined;
    if (found === null) return undefined;
    if (found === undefined) break;
    keyOffset = found.key;
    at = found.value;
  }
  if (key && keyOffset !== undefined) return keyOffset;
  return at;
}

class JsonReader {
  constructor(private readonly text: string) {}

  skipSpace(i: number): number {
    const { text } = this;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    return i;
  }

  /** The member `name` of the object at `at`: undefined when absent, null when the text is not plain JSON. */
  member(at: number, name: string): { key: number; value: number } | undefined | null {
    const { text } = this;
    let i = this.skipSpace(at + 1);
    if (text[i] === '}') return undefined;
    let found: { key: number; value: number } | undefined;
    for (;;) {
      if (text[i] !== '"') return null;
      const keyStart = i;
      const end = this.stringEnd(i);
      if (end === undefined) return null;
      let k: string;
      try {
        k = JSON.parse(text.slice(i, end)) as string;
      } catch {
        return null;
      }
      i = this.skipSpace(end);
      if (text[i] !== ':') return null;
      const value = this.skipSpace(i + 1);
      if (k === name) {
        // A repeated key: which one the tree names is not this reader's to guess.
        if (found) return null;
        found = { key: keyStart, value };
      }
      const after = this.valueEnd(value);
      if (after === undefined) return null;
      i = this.skipSpace(after);
      if (text[i] === '}') return found;
      if (text[i] !== ',') return null;
      i = this.skipSpace(i + 1);
    }
  }

  /** Element `index` of the array at `at`. */
  element(at: number, index: number): { value: number } | undefined | null {
    const { text } = this;
    let i = this.skipSpace(at + 1);
    if (text[i] === ']') return undefined;
    for (let n = 0; ; n++) {
      if (n === index) return { value: i };
      const after = this.valueEnd(i);
      if (after === undefined) return null;
      i = this.skipSpace(after);
      if (text[i] === ']') return undefined;
      if (text[i] !== ',') return null;
      i = this.skipSpace(i + 1);
    }
  }

  /** The offset after the value starting at `i`, or undefined when it is not plain JSON (or nests too deep). */
  private valueEnd(i: number, depth = 0): number | undefined {
    const { text } = this;
    const c = text[i];
    if (depth > MAX_DEPTH) return undefined;
    if (c === '"') return this.stringEnd(i);
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let j = this.skipSpace(i + 1);
      if (text[j] === close) return j + 1;
      for (;;) {
        if (c === '{') {
          if (text[j] !== '"') return undefined;
          const end = this.stringEnd(j);
          if (end === undefined) return undefined;
          j = this.skipSpace(end);
          if (text[j] !== ':') return undefined;
          j = this.skipSpace(j + 1);
        }
        const end = this.valueEnd(j, depth + 1);
        if (end === undefined) return undefined;
        j = this.skipSpace(end);
        if (text[j] === close) return j + 1;
        if (text[j] !== ',') return undefined;
        j = this.skipSpace(j + 1);
      }
    }
    const m = LITERAL.exec(text.slice(i, i + 64));
    return m ? i + m[0].length : undefined;
  }

  private stringEnd(i: number): number | undefined {
    const { text } = this;
    for (let j = i + 1; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x22) return j + 1;
      if (c === 0x5c) j++;
      else if (c < 0x20) return undefined;
    }
    return undefined;
  }
}

const MAX_DEPTH = 500;

/** A JSON number, `true`, `false` or `null`, ending where a JSON token may follow. */
const LITERAL = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=[\s,\]}]|$)/;
