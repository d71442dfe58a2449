import { pointerSegments } from '../json-pointer';

/**
 * The offset of the node a JSON pointer names in a block-style YAML document, found by reading
 * lines instead of building a syntax tree: a finding's position without a second full parse.
 *
 * It answers exactly what `yaml`'s syntax tree answers (the start of the node after its props; the
 * key with `key`; the deepest node found when a segment is missing) and gives up, returning
 * undefined, on anything it does not read with certainty: flow collections it must enter, anchors,
 * tags, aliases, merge keys, complex keys, keys that are not plain words or simple quoted strings,
 * quoted or flow values spanning lines, tabs, a `\r` that does not end a line, directives. The caller then
 * builds the syntax tree. `test/scan/block-position.test.ts` checks every pointer of the corpus
 * against the tree.
 */
export function blockNodeOffset(text: string, pointer: string, key: boolean): number | undefined {
  // CRLF lines are read (a line ends before its `\r`); a lone `\r` breaks lines for yaml, not here.
  if (text.includes('\t') || (text.includes('\r') && LONE_CR.test(text))) return undefined;
  // A merge key anywhere can override an entry this reader would find first (lib/scan/merge-keys.ts).
  if (text.includes('<<')) return undefined;
  const lines = new Lines(text);
  const first = lines.nextContent(0, -1);
  if (first === undefined) return undefined;
  const start = lines.contentStart(first);
  if (text[start] === '%') return undefined;
  let node: Node | undefined = lines.nodeAt(start);
  let keyOffset: number | undefined;
  for (const seg of pointerSegments(pointer)) {
    if (!node) return undefined;
    if (node.kind === 'map') {
      const entry = lines.mapEntry(node, seg);
      if (entry === GIVE_UP) return undefined;
      if (!entry) break;
      keyOffset = entry.keyOffset;
      node = entry.value;
    } else if (node.kind === 'seq') {
      if (!/^(0|[1-9]\d*)$/.test(seg)) break;
      const item = lines.seqItem(node, Number(seg));
      if (item === GIVE_UP) return undefined;
      if (!item) break;
      keyOffset = undefined;
      node = item;
    } else if (node.kind === 'flow') return undefined;
    else break;
  }
  if (key && keyOffset !== undefined) return keyOffset;
  return node?.offset;
}

interface Node {
  readonly kind: 'map' | 'seq' | 'scalar' | 'flow';
  /** Where the node starts (yaml's `range[0]`). */
  readonly offset: number;
  /** Column of the mapping's keys or the sequence's dashes. */
  readonly column: number;
  /** Line of the node's first entry. */
  readonly line: number;
}

const GIVE_UP = Symbol('give up');

const LONE_CR = /\r(?!\n)/;

/** A plain key of ordinary characters, or a quoted key without escapes, then `:` and a space or the line end. */
const KEY = /^(?:([A-Za-z_$/][^\s:#]*(?:[ \t]+[^\s:#]+)*)|"([^"\\]*)"|'([^']*)')[ \t]*:(?=[ \t]|$)/;
/** Plain keys the core schema reads as something other than their text. */
const NON_STRING_KEY = /^(?:true|false|null|True|False|TRUE|FALSE|Null|NULL)$/;

class Lines {
  /** Offset of each line's first character. */
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  private end(line: number): number {
    const next = this.starts[line + 1];
    const end = next === undefined ? this.text.length : next - 1;
    return end > this.starts[line]! && this.text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  }

  indent(line: number): number {
    const s = this.starts[line]!;
    let i = s;
    while (this.text.charCodeAt(i) === 32) i++;
    return i - s;
  }

  contentStart(line: number): number {
    return this.starts[line]! + this.indent(line);
  }

  /** Blank or comment only. */
  private isEmpty(line: number): boolean {
    const c = this.contentStart(line);
    return c >= this.end(line) || this.text[c] === '#';
  }

  /** The first line from `from` (and after `after`) with content, or undefined. */
  nextContent(from: number, after: number): number | undefined {
    for (let l = Math.max(from, after + 1); l < this.starts.length; l++) if (!this.isEmpty(l)) return l;
    return undefined;
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** What starts at `offset` (the first content of a node). */
  nodeAt(offset: number): Node | undefined {
    const line = this.lineOf(offset);
    const column = offset - this.starts[line]!;
    const rest = this.text.slice(offset, this.end(line));
    const c = rest[0];
    if (c === '-' && (rest.length === 1 || rest[1] === ' ')) return { kind: 'seq', offset, column, line };
    if (c === '&' || c === '!' || c === '*' || c === '?' || c === '%' || c === '@' || c === '`' || c === '#') return undefined;
    if (c === '[' || c === '{') return { kind: 'flow', offset, column, line };
    if (c === '|' || c === '>') return { kind: 'scalar', offset, column, line };
    if (c === '"' || c === "'") {
      // A quoted scalar, or a quoted key.
      if (KEY.test(rest)) return { kind: 'map', offset, column, line };
      return closesOnLine(rest) ? { kind: 'scalar', offset, column, line } : undefined;
    }
    if (KEY.test(rest)) return { kind: 'map', offset, column, line };
    // A plain scalar; `a: b` forms were caught above, a key of other characters is not read.
    if (/:(?:[ \t]|$)/.test(rest)) return undefined;
    return { kind: 'scalar', offset, column, line };
  }

  /** The node after a key's colon (`from`), on the same line or on the lines below. */
  private valueAfter(from: number, line: number, column: number): Node | undefined | typeof GIVE_UP {
    const lineEnd = this.end(line);
    let i = from;
    while (i < lineEnd && this.text.charCodeAt(i) === 32) i++;
    if (i < lineEnd && this.text[i] !== '#') {
      const rest = this.text.slice(i, lineEnd);
      const c = rest[0];
      if (c === '-' && (rest.length === 1 || rest[1] === ' ')) return GIVE_UP;
      if ((c === '"' || c === "'") && !closesOnLine(rest)) return GIVE_UP;
      if ((c === '[' || c === '{') && !/[\]}]\s*$/.test(rest)) return GIVE_UP;
      if (c !== '"' && c !== "'" && c !== '[' && c !== '{' && c !== '|' && c !== '>' && /:(?:[ \t]|$)/.test(rest)) return GIVE_UP;
      return this.nodeAt(i) ?? GIVE_UP;
    }
    const next = this.nextContent(line + 1, line);
    if (next !== undefined) {
      const ind = this.indent(next);
      const start = this.contentStart(next);
      const isDash = this.text[start] === '-' && (start + 1 >= this.end(next) || this.text[start + 1] === ' ');
      // `key:`, `key:   ` or `key: # comment`, then the value on the lines below.
      if (ind > column || (ind === column && isDash)) return this.nodeAt(start) ?? GIVE_UP;
    }
    if (i !== from) return GIVE_UP; // `key:   ` or `key: # comment` with no value below: not read here.
    return { kind: 'scalar', offset: from, column, line };
  }

  /**
   * The entry `seg` of a block mapping: its key's offset and value. Every key on the way is read
   * (none may be unusual), so a missing key is known to be missing.
   */
  mapEntry(map: Node, seg: string): { keyOffset: number; value: Node | undefined } | undefined | typeof GIVE_UP {
    let line = map.line;
    let at = map.offset;
    for (;;) {
      const rest = this.text.slice(at, this.end(line));
      const m = KEY.exec(rest);
      if (!m) return GIVE_UP;
      const name = m[1] ?? m[2] ?? m[3]!;
      if (m[1] !== undefined && (NON_STRING_KEY.test(name) || name === '<<')) return GIVE_UP;
      if (m[3] !== undefined && name.includes("'")) return GIVE_UP;
      if (name === seg) {
        const value = this.valueAfter(at + m[0].length, line, map.column);
        if (value === GIVE_UP) return GIVE_UP;
        return { keyOffset: at, value };
      }
      // Next entry: the next content line at the mapping's column that is not a compact sequence.
      const after = this.text.slice(at + m[0].length, this.end(line)).trim();
      if (after && !after.startsWith('#') && /^["'[{]/.test(after) && !(after[0] === '"' || after[0] === "'" ? closesOnLine(after) : /[\]}]\s*$/.test(after))) return GIVE_UP;
      let next = this.nextContent(line + 1, line);
      for (; next !== undefined; next = this.nextContent(next + 1, next)) {
        const ind = this.indent(next);
        if (ind > map.column) continue;
        if (ind < map.column) return undefined;
        const start = this.contentStart(next);
        if (this.text[start] === '-' && (start + 1 >= this.end(next) || this.text[start + 1] === ' ')) continue;
        if (this.text[start] === '?') return GIVE_UP;
        break;
      }
      if (next === undefined) return undefined;
      line = next;
      at = this.contentStart(next);
    }
  }

  /** Item `index` of a block sequence. */
  seqItem(seq: Node, index: number): Node | undefined | typeof GIVE_UP {
    let line = seq.line;
    let at = seq.offset;
    for (let i = 0; ; i++) {
      if (i === index) {
        let j = at + 1;
        const lineEnd = this.end(line);
        while (j < lineEnd && this.text.charCodeAt(j) === 32) j++;
        if (j < lineEnd && this.text[j] !== '#') {
          const rest = this.text.slice(j, lineEnd);
          if ((rest[0] === '"' || rest[0] === "'") && !KEY.test(rest) && !closesOnLine(rest)) return GIVE_UP;
          if ((rest[0] === '[' || rest[0] === '{') && !/[\]}]\s*$/.test(rest)) return GIVE_UP;
          return this.nodeAt(j) ?? GIVE_UP;
        }
        const next = this.nextContent(line + 1, line);
        if (next !== undefined && this.indent(next) > seq.column) return this.nodeAt(this.contentStart(next)) ?? GIVE_UP;
        return GIVE_UP; // A null item: not read here.
      }
      let next = this.nextContent(line + 1, line);
      for (; next !== undefined; next = this.nextContent(next + 1, next)) {
        const ind = this.indent(next);
        if (ind > seq.column) continue;
        if (ind < seq.column) return undefined;
        break;
      }
      if (next === undefined) return undefined;
      const start = this.contentStart(next);
      if (!(this.text[start] === '-' && (start + 1 >= this.end(next) || this.text[start + 1] === ' '))) return undefined;
      line = next;
      at = start;
    }
  }
}

/** A quoted scalar that ends on its own line (a comment may follow). */
function closesOnLine(rest: string): boolean {
  if (rest[0] === '"') {
    const m = /^"(?:[^"\\]|\\.)*"[ \t]*(?:#.*)?$/.exec(rest);
    return m !== null;
  }
  return /^'(?:[^']|'')*'[ \t]*(?:#.*)?$/.test(rest);
}
