import { CORE_SCHEMA, type Type } from 'js-yaml';

/**
 * A syntax check and outline for the plain block YAML most manifests are written in (vendored
 * CustomResourceDefinitions, generated charts): mappings and sequences by indentation, one-line
 * plain and quoted scalars, block scalars, comments. It answers only when it is certain that
 * js-yaml loads the document without an error; anything else (flow collections, anchors, tags,
 * unknown escapes, multi-line plain or quoted scalars, duplicate keys, tabs in indentation, keys
 * the core schema reads as numbers, booleans or null) is `undefined`, and the caller parses the
 * document as before. Certain means: every form it accepts is one js-yaml accepts, checked against
 * js-yaml by two property tests and on every document of the real-world corpus
 * (test/scan/block-outline.test.ts).
 *
 * Why: about two thirds of the real-world corpus' bytes are CRDs that no rule can flag but that
 * `parse-error` had js-yaml parse (values built and thrown away). This reads them at about three
 * times js-yaml's speed, and tells rules enough (root kind and keys, `{name, value}` names) to decide
 * that they have nothing to look at.
 */
export interface DocumentOutline {
  /** The root mapping's `kind`, when it is a one-line scalar (unquoted text). */
  readonly rootKind?: string;
  /** Keys of the root mapping (empty when the root is a sequence). */
  readonly rootKeys: readonly string[];
  /**
   * The `name` of every mapping that has both a scalar `name` and a scalar `value` (container env,
   * Helm parameters); `undefined` where the name is a block scalar whose text is not kept.
   */
  readonly pairNames: readonly (string | undefined)[];
  /**
   * Some double-quoted scalar spells characters by number (`\x67`): its value holds text the raw
   * document does not, so a raw-text prefilter cannot vouch for it.
   */
  readonly encoded: boolean;
  /**
   * `{{` in comments (whole-line and trailing, not lines of block scalars): every other `{{` of
   * the text is in a key or a string value, which tells a manifest with Go-template text in its
   * values from a Helm template without parsing it (`readFileAs`).
   */
  readonly actionsInComments: number;
}

/** A document's value as js-yaml loads it, with its outline (`loadBlockYaml`). */
export interface LoadedBlockYaml {
  readonly outline: DocumentOutline;
  readonly value: unknown;
}

/** What js-yaml refuses anywhere in its input (its PATTERN_NON_PRINTABLE), and a byte-order mark. */
const NOT_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/** js-yaml's one-character escapes in double-quoted scalars, and what they stand for. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\x00', a: '\x07', b: '\x08', t: '\t', '\t': '\t', n: '\n', v: '\x0B', f: '\x0C', r: '\r', e: '\x1B',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xA0', L: '\u2028', P: '\u2029',
};

/** `NOT_PRINTABLE`'s characters and every surrogate as one class: only then is it worth running. */
const MAYBE_NOT_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]/;

/** Plain keys that the core schema reads as null, booleans or floats (two spellings could collide). */
const NON_STRING_KEY = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|\.(?:inf|Inf|INF|nan|NaN|NAN))$/;

/** Nesting beyond this is left to js-yaml (it recurses per level). */
const MAX_DEPTH = 200;
/** YAML limits implicit keys to 1024 characters. */
const MAX_KEY = 1024;

type Collection = Record<string, unknown> | unknown[];

/** Where a value not read yet goes: a mapping's key or a sequence's index. */
interface Slot {
  readonly holder: Collection;
  readonly key: string | number;
}

interface Frame {
  readonly indent: number;
  readonly seq: boolean;
  /** The mapping or sequence being built (`loadBlockYaml` only). */
  node?: Collection;
  /** Keys so far: a list while short (most mappings have a few keys), a set beyond. */
  keys?: string[] | Set<string>;
  /** `name`: its text, or null for a block scalar; undefined when absent or not a scalar. */
  name?: string | null;
  hasValue?: boolean;
}

/** `built` of a block scalar, whose value comes from the lines after it. */
const BLOCK = Symbol('block scalar');

const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const CR = 0x0d;

/** The outline of `text` (one document), or undefined when only a full parser can tell. */
export function outlineBlockYaml(text: string): DocumentOutline | undefined {
  // The full pattern, with its surrogate checks, cost a quarter of this reader's time.
  if (MAYBE_NOT_PRINTABLE.test(text) && NOT_PRINTABLE.test(text)) return undefined;
  return new OutlineReader(text, false).read();
}

/**
 * The outline and the value of `text` (one document), built in the same pass: the value is the one
 * js-yaml loads with the core schema (the scanner's manifest schema, whose additions, merge keys and
 * local tags, this reader leaves to js-yaml), or undefined where `outlineBlockYaml` is. Plain scalars
 * are resolved by js-yaml's own core-schema types, so `true`, `0x1F`, `~` and `.inf` are what
 * js-yaml makes of them. Why: js-yaml on the documents rules read was the largest part of a scan,
 * and most of them are the plain block YAML this reader reads anyway.
 */
export function loadBlockYaml(text: string): LoadedBlockYaml | undefined {
  if (MAYBE_NOT_PRINTABLE.test(text) && NOT_PRINTABLE.test(text)) return undefined;
  const reader = new OutlineReader(text, true);
  const outline = reader.read();
  if (!outline) return undefined;
  return { outline, value: reader.rooted ? reader.root : emptyDocumentValue(text) };
}

/**
 * What js-yaml loads from a text without a node (blank lines, comments): null, except for a text
 * of spaces with at most one line break, which holds no document at all (undefined). Its loader
 * appends a line break when the text lacks one and reads a document only if anything is left
 * after the leading spaces but that break.
 */
function emptyDocumentValue(text: string): null | undefined {
  const last = text.charCodeAt(text.length - 1);
  const length = text.length + (text.length > 0 && last !== 0x0a && last !== CR ? 1 : 0);
  let i = 0;
  while (text.charCodeAt(i) === SPACE) i++;
  return i < length - 1 ? null : undefined;
}

/** The core schema's implicit types (null, bool, int, float), in js-yaml's order of trying them. */
const IMPLICIT: readonly Type[] = (CORE_SCHEMA as unknown as { implicit: Type[] }).implicit;

/** A plain scalar's value: the first implicit type that resolves it, as js-yaml's loader does. */
function plainValue(text: string): unknown {
  for (const type of IMPLICIT) if (type.resolve(text)) return type.construct(text);
  return text;
}

class OutlineReader {
  private readonly frames: Frame[] = [];
  rooted = false;
  /** A key or sequence entry whose value is on the following lines (or is null). */
  private pending: { indent: number; seq: boolean } | undefined;
  /**
   * Inside a block scalar: its parent's indentation and its content's, once known; when building,
   * its style, where its lines start and where its value goes.
   */
  private block: { parent: number; content: number; blank: number; folded?: boolean; chomp?: number; from?: number; slot?: Slot } | undefined;
  /** The document's value (`loadBlockYaml`). */
  root: unknown;
  /** Where the value of the pending key or entry goes (null until a child line gives one). */
  private slot: Slot | undefined;
  /** The value `value()` read last: a resolved scalar, or an empty collection. */
  private built: unknown;
  private rootKind: string | undefined;
  private readonly rootKeys: string[] = [];
  private readonly pairNames: (string | undefined)[] = [];
  private actionsInComments = 0;
  /** Some double-quoted scalar spells characters by number (`\x41`, `\u0041`). */
  private encoded = false;
  /** Offset of the next `\r` at or after the current line (2^32 - 1 when there is none). */
  private nextCr = -1;

  constructor(
    private readonly text: string,
    /** Build the document's value as well (`loadBlockYaml`). */
    private readonly build: boolean,
  ) {}

  read(): DocumentOutline | undefined {
    const { text } = this;
    const length = text.length;
    let pos = 0;
    while (pos <= length) {
      let end = text.indexOf('\n', pos);
      if (end === -1) end = length;
      let lineEnd = end;
      if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === CR) lineEnd--;
      if (!this.line(pos, lineEnd)) return undefined;
      pos = end + 1;
    }
    if (this.block?.slot) this.finishBlock(this.block, length);
    while (this.frames.length > 0) this.close(this.frames.pop()!);
    return {
      ...(this.rootKind !== undefined ? { rootKind: this.rootKind } : {}),
      rootKeys: this.rootKeys,
      pairNames: this.pairNames,
      encoded: this.encoded,
      actionsInComments: this.actionsInComments,
    };
  }

  /** One line; false when the document is not one this reader is sure about. */
  private line(start: number, end: number): boolean {
    const { text } = this;
    // A lone carriage return breaks lines for js-yaml, not for this reader.
    if (this.nextCr < start) this.nextCr = text.indexOf('\r', start) >>> 0;
    if (this.nextCr < end) return false;
    let i = start;
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    const indent = i - start;
    const block = this.block;
    if (block) {
      if (i === end) {
        if (block.content < 0) block.blank = Math.max(block.blank, indent);
        return true;
      }
      if (indent > block.parent) {
        if (block.content < 0) {
          // js-yaml refuses leading blank lines indented deeper than the first content line.
          if (block.blank > indent) return false;
          block.content = indent;
          return true;
        }
        return indent >= block.content;
      }
      if (block.slot) this.finishBlock(block, start);
      this.block = undefined;
    }
    if (i === end) return true;
    const c = text.charCodeAt(i);
    if (c === HASH) return this.comment(i, end);
    if (c === TAB) return false;
    return this.node(i, indent, end);
  }

  /** A sequence entry or a mapping entry starting at `i` (column `col`). */
  private node(i: number, col: number, end: number): boolean {
    const { text } = this;
    if (text.charCodeAt(i) === DASH && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) {
      const seq = this.place(col, true);
      if (!seq) return false;
      const items = seq.node as unknown[] | undefined;
      let j = i + 1;
      while (j < end && text.charCodeAt(j) === SPACE) j++;
      if (j === end || text.charCodeAt(j) === HASH) {
        this.pending = { indent: col, seq: true };
        if (items) this.slot = { holder: items, key: items.push(null) - 1 };
        return this.comment(j, end);
      }
      if (text.charCodeAt(j) === TAB) return false;
      // `- - a`: a sequence in a sequence on one line.
      if (text.charCodeAt(j) === DASH && (j + 1 === end || text.charCodeAt(j + 1) === SPACE)) return false;
      const key = this.key(j, end);
      if (key) {
        // `- name: a`: a mapping whose keys sit at the column of its first key.
        const frame: Frame = { indent: col + (j - i), seq: false };
        if (!this.push(frame)) return false;
        if (items) items.push((frame.node = {}));
        return this.entry(frame, key, col + (j - i), end);
      }
      if (this.value(j, end, col) === undefined) return false;
      if (items) this.store(items, items.length);
      return true;
    }
    const key = this.key(i, end);
    if (!key) return false;
    const frame = this.place(col, false);
    if (!frame) return false;
    return this.entry(frame, key, col, end);
  }

  /**
   * The collection a node at `col` belongs to: the pending parent's new child, or the open one at
   * that column; undefined when the indentation fits neither (js-yaml would refuse or read it
   * otherwise).
   */
  private place(col: number, seq: boolean): Frame | undefined {
    const pending = this.pending;
    const slot = this.slot;
    this.pending = undefined;
    this.slot = undefined;
    if (pending && (col > pending.indent || (seq && !pending.seq && col === pending.indent))) {
      const frame: Frame = { indent: col, seq };
      if (!this.push(frame)) return undefined;
      if (slot) (slot.holder as Record<string, unknown>)[slot.key] = this.open(frame);
      return frame;
    }
    // An empty entry (`-` alone) closed by a shallower line: js-yaml reads `-\n  -\n- x` as one
    // inner sequence [[null, "x"]], against the YAML spec; such documents are left to it.
    if (pending?.seq) return undefined;
    const { frames } = this;
    while (frames.length > 0 && frames[frames.length - 1]!.indent > col) this.close(frames.pop()!);
    // `key:` then `- item` lines at the key's column: the next key at that column ends the list.
    let top = frames[frames.length - 1];
    if (!seq && top?.seq && top.indent === col && frames.length > 1) {
      this.close(frames.pop()!);
      top = frames[frames.length - 1];
    }
    if (!top) {
      if (this.rooted) return undefined;
      const frame: Frame = { indent: col, seq };
      if (!this.push(frame)) return undefined;
      if (this.build) this.root = this.open(frame);
      return frame;
    }
    return top.indent === col && top.seq === seq ? top : undefined;
  }

  /** A new frame's collection, when building. */
  private open(frame: Frame): Collection | undefined {
    if (!this.build) return undefined;
    return (frame.node = frame.seq ? [] : {});
  }

  private push(frame: Frame): boolean {
    if (this.frames.length >= MAX_DEPTH) return false;
    this.rooted = true;
    this.frames.push(frame);
    return true;
  }

  private close(frame: Frame): void {
    if (frame.hasValue && frame.name !== undefined) this.pairNames.push(frame.name ?? undefined);
  }

  /** A key at `i` followed by `:` and a space or the line's end; undefined for any other form. */
  private key(i: number, end: number): { text: string; after: number } | undefined {
    const { text } = this;
    const c = text.charCodeAt(i);
    let keyText: string;
    let j: number;
    if (c === 0x22 || c === 0x27) {
      // A quoted key without escapes.
      const close = text.indexOf(c === 0x22 ? '"' : "'", i + 1);
      if (close === -1 || close >= end) return undefined;
      keyText = text.slice(i + 1, close);
      if (keyText.includes('\\') || keyText.includes('"') || keyText.includes("'")) return undefined;
      j = close + 1;
    } else {
      // `.5` and `._5` are floats to the core schema (`.5` and `.50` the same key): after a dot, a letter.
      if (!isPlainKeyStart(c) || (c === 0x2e && !isLetter(text.charCodeAt(i + 1)))) return undefined;
      j = i + 1;
      while (j < end) {
        const d = text.charCodeAt(j);
        if (d === COLON || d === SPACE || d === TAB || d === HASH) break;
        j++;
      }
      keyText = text.slice(i, j);
      // Only keys starting t, f, n (any case) or `.` can be one of NON_STRING_KEY's spellings.
      const lower = c | 0x20;
      if ((lower === 0x74 || lower === 0x66 || lower === 0x6e || c === 0x2e) && NON_STRING_KEY.test(keyText)) return undefined;
    }
    if (j >= end || text.charCodeAt(j) !== COLON) return undefined;
    if (j + 1 < end && text.charCodeAt(j + 1) !== SPACE) return undefined;
    if (keyText.length > MAX_KEY || keyText === '__proto__') return undefined;
    return { text: keyText, after: j + 1 };
  }

  /** A mapping entry whose key starts at column `col` of `frame`. */
  private entry(frame: Frame, key: { text: string; after: number }, col: number, end: number): boolean {
    if (!addKey(frame, key.text)) return false;
    const root = this.frames[0] === frame;
    if (root) this.rootKeys.push(key.text);
    const { text } = this;
    let j = key.after;
    while (j < end && text.charCodeAt(j) === SPACE) j++;
    // A root `kind` that is not a one-line scalar: rules decide by kind, so only a parse can tell.
    const rootKind = root && key.text === 'kind';
    const mapping = frame.node as Record<string, unknown> | undefined;
    if (j === end || text.charCodeAt(j) === HASH) {
      this.pending = { indent: col, seq: false };
      if (mapping) {
        mapping[key.text] = null;
        this.slot = { holder: mapping, key: key.text };
      }
      return !rootKind && this.comment(j, end);
    }
    if (text.charCodeAt(j) === TAB) return false;
    const scalar = this.value(j, end, col);
    if (scalar === undefined) return false;
    if (mapping) this.store(mapping, key.text);
    if (key.text === 'name') frame.name = scalar;
    else if (key.text === 'value') frame.hasValue = true;
    else if (rootKind) {
      if (scalar === null) return false;
      this.rootKind = scalar;
    }
    return true;
  }

  /**
   * A one-line value starting at `i`: its text for plain and quoted scalars, null for a block
   * scalar (whose lines follow) or an empty flow collection, undefined for anything else.
   */
  private value(i: number, end: number, parentIndent: number): string | null | undefined {
    const { text } = this;
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const quoted = this.doubleQuoted(i, end);
      if (!quoted || !this.restIsComment(quoted.after, end)) return undefined;
      this.built = quoted.text;
      return quoted.text;
    }
    if (c === 0x27) {
      let close = text.indexOf("'", i + 1);
      while (close !== -1 && close + 1 < end && text.charCodeAt(close + 1) === 0x27) close = text.indexOf("'", close + 2);
      if (close === -1 || close >= end) return undefined;
      if (!this.restIsComment(close + 1, end)) return undefined;
      const quoted = text.slice(i + 1, close).replace(/''/g, "'");
      this.built = quoted;
      return quoted;
    }
    if (c === 0x7c || c === 0x3e) {
      // `|`, `|-`, `>+`: no explicit indentation indicator.
      let j = i + 1;
      const d = text.charCodeAt(j);
      if (j < end && (d === DASH || d === 0x2b)) j++;
      if (j < end && text.charCodeAt(j) !== SPACE) return undefined;
      if (!this.restIsComment(j, end)) return undefined;
      this.block = { parent: parentIndent, content: -1, blank: 0 };
      if (this.build) {
        // Its lines start after this one's line break (at the text's end when there is none).
        const next = text.indexOf('\n', end);
        Object.assign(this.block, { folded: c === 0x3e, chomp: j > i + 1 ? d : 0, from: next === -1 ? text.length : next + 1 });
      }
      this.built = BLOCK;
      return null;
    }
    if (c === 0x5b || c === 0x7b) {
      // Only `[]` and `{}`.
      if (text.charCodeAt(i + 1) !== (c === 0x5b ? 0x5d : 0x7d)) return undefined;
      if (!this.restIsComment(i + 2, end)) return undefined;
      if (this.build) this.built = c === 0x5b ? [] : {};
      return null;
    }
    if (!isPlainStart(c, i + 1 < end ? text.charCodeAt(i + 1) : SPACE)) return undefined;
    let j = i;
    let last = i;
    while (j < end) {
      const d = text.charCodeAt(j);
      if (d === TAB) return undefined;
      if (d === COLON && (j + 1 === end || text.charCodeAt(j + 1) === SPACE)) return undefined;
      if (d === SPACE) {
        if (j + 1 < end && text.charCodeAt(j + 1) === HASH) {
          this.comment(j + 1, end);
          break;
        }
      } else last = j + 1;
      j++;
    }
    const plain = text.slice(i, last);
    // `<<` is a merge key to the manifest schema even as a value: left to js-yaml.
    if (plain === '<<') return undefined;
    if (this.build) this.built = plainValue(plain);
    return plain;
  }

  /** Puts the value `value()` read at `key`; a block scalar's value comes when its lines end. */
  private store(holder: Collection, key: string | number): void {
    if (this.built === BLOCK) {
      (holder as Record<string, unknown>)[key] = '';
      this.block!.slot = { holder, key };
    } else (holder as Record<string, unknown>)[key] = this.built;
  }

  /**
   * A block scalar's value from its lines (`from` up to `stop`), as YAML 1.2 (8.1.1.2, 8.1.2,
   * 8.1.3) and js-yaml read them: the content indentation removed; literal lines kept, folded
   * lines joined by a space unless blank or more indented; the final line breaks clipped to one,
   * stripped (`-`) or kept (`+`). Blank lines are those of at most the content's indentation.
   */
  private finishBlock(block: NonNullable<OutlineReader['block']>, stop: number): void {
    const { text } = this;
    const indent = block.content;
    let out = '';
    let empty = 0;
    let content = false;
    let moreIndented = false;
    for (let pos = block.from!; pos < stop; ) {
      let next = text.indexOf('\n', pos);
      if (next === -1 || next > stop) next = stop;
      let end = next;
      if (end > pos && text.charCodeAt(end - 1) === CR) end--;
      let i = pos;
      while (i < end && text.charCodeAt(i) === SPACE) i++;
      const lineStart = pos;
      pos = next + 1;
      // Only spaces: blank, unless deeper than the content (then the extra spaces are text).
      if (i === end && (indent < 0 || i - lineStart <= indent)) {
        empty++;
        continue;
      }
      const line = text.slice(lineStart + indent, end);
      if (block.folded) {
        const c = line.charCodeAt(0);
        if (c === SPACE || c === TAB) {
          moreIndented = true;
          out += '\n'.repeat(content ? 1 + empty : empty);
        } else if (moreIndented) {
          moreIndented = false;
          out += '\n'.repeat(empty + 1);
        } else if (empty === 0) {
          if (content) out += ' ';
        } else out += '\n'.repeat(empty);
      } else out += '\n'.repeat(content ? 1 + empty : empty);
      out += line;
      content = true;
      empty = 0;
    }
    if (block.chomp === 0x2b) out += '\n'.repeat(content ? 1 + empty : empty);
    else if (block.chomp !== DASH && content) out += '\n';
    (block.slot!.holder as Record<string, unknown>)[block.slot!.key] = out;
  }

  /**
   * A one-line double-quoted scalar at `i`: its decoded text and the offset after its closing
   * quote. Escapes are those js-yaml knows (any other is its error, so undefined here); `\x` and
   * `\u` escapes set `encoded`, since they can spell text the raw document does not show.
   */
  private doubleQuoted(i: number, end: number): { text: string; after: number } | undefined {
    const { text } = this;
    let out = '';
    let from = i + 1;
    for (let j = i + 1; j < end; j++) {
      const d = text.charCodeAt(j);
      if (d === 0x22) return { text: out + text.slice(from, j), after: j + 1 };
      if (d !== 0x5c) continue;
      out += text.slice(from, j);
      const e = text[j + 1];
      if (e === undefined || j + 1 >= end) return undefined;
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        j += 1;
      } else {
        const digits = e === 'x' ? 2 : e === 'u' ? 4 : 0;
        const hex = text.slice(j + 2, j + 2 + digits);
        if (digits === 0 || j + 2 + digits > end || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== digits) return undefined;
        const code = parseInt(hex, 16);
        // A lone surrogate half is text js-yaml accepts but this reader does not reason about.
        if (code >= 0xd800 && code <= 0xdfff) return undefined;
        out += String.fromCharCode(code);
        this.encoded = true;
        j += 1 + digits;
      }
      from = j + 1;
    }
    return undefined;
  }

  /** Only spaces, then nothing or a comment, from `i` to the line's end. */
  private restIsComment(i: number, end: number): boolean {
    const { text } = this;
    if (i === end) return true;
    if (text.charCodeAt(i) !== SPACE) return false;
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    return i === end || (text.charCodeAt(i) === HASH && this.comment(i, end));
  }

  /** A comment from `i` to the line's end: counts the `{{` in it (see `actionsInComments`). */
  private comment(i: number, end: number): true {
    const { text } = this;
    for (let j = i; j + 1 < end; j++) {
      if (text.charCodeAt(j) === 0x7b && text.charCodeAt(j + 1) === 0x7b) {
        this.actionsInComments++;
        j++;
      }
    }
    return true;
  }
}

/** Adds a key to a mapping; false when it is there already (js-yaml refuses duplicate keys). */
function addKey(frame: Frame, key: string): boolean {
  const keys = frame.keys;
  if (keys === undefined) {
    frame.keys = [key];
    return true;
  }
  if (Array.isArray(keys)) {
    if (keys.includes(key)) return false;
    keys.push(key);
    if (keys.length > 16) frame.keys = new Set(keys);
    return true;
  }
  if (keys.has(key)) return false;
  keys.add(key);
  return true;
}

/** First character of a plain key: a letter, `_`, `$` or `.` (digits and indicators are left to js-yaml). */
function isPlainKeyStart(c: number): boolean {
  return isLetter(c) || c === 0x5f || c === 0x24 || c === 0x2e;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * First character of a plain scalar: not an indicator; `-`, `?` and `:` only when a non-space
 * follows (`-1`, `:443` are plain).
 */
function isPlainStart(c: number, next: number): boolean {
  if (c === DASH || c === 0x3f || c === COLON) return next !== SPACE && next !== TAB;
  // , [ ] { } # & * ! | > ' " % @ `
  return !(c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === HASH || c === 0x26 || c === 0x2a || c === 0x21 || c === 0x7c || c === 0x3e || c === 0x27 || c === 0x22 || c === 0x25 || c === 0x40 || c === 0x60 || c === SPACE || c === TAB);
}
