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
    let found: { key: number; value: number } | undefined;
    let unsure = false;
    const end = this.entries(at, 0, (value, key) => {
      const k = key === undefined ? undefined : this.keyOf(key);
      // A key that is not JSON, or a repeated key (which one the tree names is not this reader's to guess).
      unsure = k === undefined || (k === name && found !== undefined);
      if (unsure) return false;
      if (k === name) found = { key: key!, value };
      return true;
    });
    return end === undefined || unsure ? null : found;
  }

  /** Element `index` of the array at `at`. */
  element(at: number, index: number): { value: number } | undefined | null {
    let n = 0;
    let found: number | undefined;
    const end = this.entries(at, 0, (value) => {
      if (n++ !== index) return true;
      found = value;
      return false;
    });
    if (found !== undefined) return { value: found };
    return end === undefined ? null : undefined;
  }

  /**
   * Walks the entries of the object or array at `at`, handing `each` every value's offset (and an
   * object member's key offset) until it returns false. The offset after the container, `STOPPED`
   * when `each` stopped, or undefined when the text is not plain JSON (or nests too deep).
   */
  private entries(at: number, depth: number, each: (value: number, key?: number) => boolean): number | typeof STOPPED | undefined {
    const { text } = this;
    if (depth > MAX_DEPTH) return undefined;
    const object = text[at] === '{';
    const close = object ? '}' : ']';
    let i = this.skipSpace(at + 1);
    if (text[i] === close) return i + 1;
    for (;;) {
      let key: number | undefined;
      if (object) {
        if (text[i] !== '"') return undefined;
        const end = this.stringEnd(i);
        if (end === undefined) return undefined;
        key = i;
        i = this.skipSpace(end);
        if (text[i] !== ':') return undefined;
        i = this.skipSpace(i + 1);
      }
      if (!each(i, key)) return STOPPED;
      const after = this.valueEnd(i, depth + 1);
      if (after === undefined) return undefined;
      i = this.skipSpace(after);
      if (text[i] === close) return i + 1;
      if (text[i] !== ',') return undefined;
      i = this.skipSpace(i + 1);
    }
  }

  /** The offset after the value starting at `i`, or undefined when it is not plain JSON. */
  private valueEnd(i: number, depth: number): number | undefined {
    const c = this.text[i];
    if (c === '"') return this.stringEnd(i);
    if (c === '{' || c === '[') {
      const end = this.entries(i, depth, () => true);
      return end === STOPPED ? undefined : end;
    }
    const m = LITERAL.exec(this.text.slice(i, i + 64));
    return m ? i + m[0].length : undefined;
  }

  /** The text of the key string at `at` (escapes decoded). */
  private keyOf(at: number): string | undefined {
    const end = this.stringEnd(at)!;
    const raw = this.text.slice(at + 1, end - 1);
    if (!raw.includes('\\')) return raw;
    try {
      return JSON.parse(this.text.slice(at, end)) as string;
    } catch {
      return undefined;
    }
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

const STOPPED = Symbol('stopped');

/** A JSON number, `true`, `false` or `null`, ending where a JSON token may follow. */
const LITERAL = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=[\s,\]}]|$)/;
