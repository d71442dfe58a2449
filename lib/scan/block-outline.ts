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

interface Frame {
  readonly indent: number;
  readonly seq: boolean;
  /** Keys so far: a list while short (most mappings have a few keys), a set beyond. */
  keys?: string[] | Set<string>;
  /** `name`: its text, or null for a block scalar; undefined when absent or not a scalar. */
  name?: string | null;
  hasValue?: boolean;
}

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
  return new OutlineReader(text).read();
}

class OutlineReader {
  private readonly frames: Frame[] = [];
  private rooted = false;
  /** A key or sequence entry whose value is on the following lines (or is null). */
  private pending: { indent: number; seq: boolean } | undefined;
  /** Inside a block scalar: its parent's indentation and its content's, once known. */
  private block: { parent: number; content: number; blank: number } | undefined;
  private rootKind: string | undefined;
  private readonly rootKeys: string[] = [];
  private readonly pairNames: (string | undefined)[] = [];
  private actionsInComments = 0;
  /** Some double-quoted scalar spells characters by number (`\x41`, `\u0041`). */
  private encoded = false;
  /** Offset of the next `\r` at or after the current line (2^32 - 1 when there is none). */
  private nextCr = -1;

  constructor(private readonly text: string) {}

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
      if (!this.place(col, true)) return false;
      let j = i + 1;
      while (j < end && text.charCodeAt(j) === SPACE) j++;
      if (j === end || text.charCodeAt(j) === HASH) {
        this.pending = { indent: col, seq: true };
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
        return this.entry(frame, key, col + (j - i), end);
      }
      return this.value(j, end, col) !== undefined;
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
    this.pending = undefined;
    if (pending && (col > pending.indent || (seq && !pending.seq && col === pending.indent))) {
      const frame: Frame = { indent: col, seq };
      return this.push(frame) ? frame : undefined;
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
      return this.push(frame) ? frame : undefined;
    }
    return top.indent === col && top.seq === seq ? top : undefined;
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
    if (j === end || text.charCodeAt(j) === HASH) {
      this.pending = { indent: col, seq: false };
      return !rootKind && this.comment(j, end);
    }
    if (text.charCodeAt(j) === TAB) return false;
    const scalar = this.value(j, end, col);
    if (scalar === undefined) return false;
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
      return quoted && this.restIsComment(quoted.after, end) ? quoted.text : undefined;
    }
    if (c === 0x27) {
      let close = text.indexOf("'", i + 1);
      while (close !== -1 && close + 1 < end && text.charCodeAt(close + 1) === 0x27) close = text.indexOf("'", close + 2);
      if (close === -1 || close >= end) return undefined;
      return this.restIsComment(close + 1, end) ? text.slice(i + 1, close).replace(/''/g, "'") : undefined;
    }
    if (c === 0x7c || c === 0x3e) {
      // `|`, `|-`, `>+`: no explicit indentation indicator.
      let j = i + 1;
      const d = text.charCodeAt(j);
      if (j < end && (d === DASH || d === 0x2b)) j++;
      if (j < end && text.charCodeAt(j) !== SPACE) return undefined;
      if (!this.restIsComment(j, end)) return undefined;
      this.block = { parent: parentIndent, content: -1, blank: 0 };
      return null;
    }
    if (c === 0x5b || c === 0x7b) {
      // Only `[]` and `{}`.
      if (text.charCodeAt(i + 1) !== (c === 0x5b ? 0x5d : 0x7d)) return undefined;
      return this.restIsComment(i + 2, end) ? null : undefined;
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
    return text.slice(i, last);
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
