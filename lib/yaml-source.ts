import type { Document, LineCounter, Node as YamlNode, YAMLError } from 'yaml';
import { Diagnostic, UserError } from './errors';
import { pointerSegments } from './json-pointer';
import { readTextFile } from './text-file';

/**
 * A parsed YAML file that remembers where every value came from, so validation errors can name
 * line and column for any JSON pointer.
 */
export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document;
  readonly lineCounter: LineCounter;
  /** The document as plain JS (no anchors, no YAML types). */
  readonly value: unknown;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Keeps alias expansion bounded: a billion-laughs file becomes an error, not an OOM. */
const MAX_ALIAS_COUNT = 100;

export { readTextFile } from './text-file';

/**
 * Parses one YAML document. Syntax errors (including duplicate keys and excessive aliases) become
 * one UserError listing each with its position. Multi-document files are refused: a catalog is one
 * document.
 */
export function parseYamlSource(file: string, text: string): YamlSource {
  return fastYamlSource(file, text) ?? fullYamlSource(file, text);
}

/**
 * The fast path for the common case: a plain single document without anchors, aliases, tags or
 * document markers, read by js-yaml (several times faster than the position-keeping parser). The
 * syntax tree that positions need is built only when a diagnostic asks for one. Anything unusual,
 * and every syntax error, goes through the full parser, which reports it with its position.
 */
function fastYamlSource(file: string, text: string): YamlSource | undefined {
  if (/^(---|\.\.\.|%)/m.test(text) || /(^|[\s,[{])[&*!]\S/m.test(text)) return undefined;
  let value: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jsYaml = require('js-yaml') as typeof import('js-yaml');
    value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, json: false }) ?? null;
  } catch {
    return undefined;
  }
  let tree: { doc: Document; lineCounter: LineCounter } | undefined;
  const parsed = () => {
    if (!tree) {
      const { LineCounter: Counter, parseDocument } = yamlLibrary();
      const lineCounter = new Counter();
      tree = { doc: parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true }), lineCounter };
    }
    return tree;
  };
  return {
    file,
    text,
    value,
    get doc() {
      return parsed().doc;
    },
    get lineCounter() {
      return parsed().lineCounter;
    },
  };
}

function fullYamlSource(file: string, text: string): YamlSource {
  const { LineCounter, parseAllDocuments, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length > 1) {
    const second = list[1]!;
    const pos = second.contents?.range ? lineCounter.linePos(second.contents.range[0]) : undefined;
    throw new UserError({
      file,
      line: pos?.line,
      column: pos?.col,
      message: 'expected one YAML document, found several',
      hint: 'remove the `---` separator and keep a single document',
    });
  }
  const doc = list[0] ?? parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // The first error only: later ones are mostly consequences of it (a tab shifts every line after).
  const diagnostics: Diagnostic[] = doc.errors.slice(0, 1).map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return {
      file,
      line: pos.line,
      column: pos.col,
      message: `not valid YAML: ${syntaxErrorMessage(e, text)}`,
      hint: e.code === 'DUPLICATE_KEY' ? 'remove or rename the repeated key' : 'fix the YAML syntax at this position',
    };
  });
  if (diagnostics.length > 0) throw new UserError(diagnostics);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new UserError({ file, message: `not valid YAML: ${firstLine((err as Error).message)}`, hint: 'reduce alias use' });
  }
  return { file, text, doc, lineCounter, value };
}

export function readYamlSource(file: string, what = 'file'): YamlSource {
  return parseYamlSource(file, readTextFile(file, what));
}

export { pointerOf, pointerSegments } from './json-pointer';

/**
 * The position of the node at `pointer`, or of the deepest ancestor that exists. With `key: true`
 * the position of the map key naming the last segment (what an "unknown field" error wants).
 */
export function positionOf(src: YamlSource, pointer: string, opts: { key?: boolean } = {}): Position | undefined {
  const target = yamlNodeAt(src.doc.contents as YamlNode | null, pointer, opts.key ?? false);
  const range = target?.range;
  // An empty document has no node: the document itself starts at 1:1.
  if (!range) return pointerSegments(pointer).length === 0 ? { line: 1, column: 1 } : undefined;
  const p = src.lineCounter.linePos(range[0]);
  return { line: p.line, column: p.col };
}

/**
 * The syntax-tree node at `pointer`, or the deepest ancestor that exists; with `key` the map key
 * naming the last segment. Shared by every caller that turns pointers into positions.
 */
export function yamlNodeAt(root: YamlNode | null, pointer: string, key: boolean): YamlNode | undefined {
  const { isMap, isPair, isScalar, isSeq } = yamlLibrary();
  let node: unknown = root;
  let keyNode: unknown;
  for (const seg of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node)) {
      const idx = Number(seg);
      if (!Number.isInteger(idx) || idx < 0 || idx >= node.items.length) break;
      keyNode = undefined;
      node = node.items[idx];
    } else {
      break;
    }
  }
  return ((key && keyNode ? keyNode : node ?? keyNode) as YamlNode | undefined) ?? undefined;
}

/** A diagnostic for `pointer` in `src`, with line and column filled in. */
export function diagnosticAt(
  src: YamlSource,
  pointer: string,
  message: string,
  hint?: string,
  opts: { key?: boolean } = {},
): Diagnostic {
  const pos = positionOf(src, pointer, opts);
  return { file: src.file, line: pos?.line, column: pos?.column, pointer, message, hint };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** A key name is safe to quote back; anything else might be a misplaced value. */
const NAME_LIKE = /^[A-Za-z0-9_.\/-]{1,128}$/;

/**
 * The parser's message without the source text some messages quote after a colon (`Block scalar
 * header includes extra characters: |...`, `Not a YAML token: ...`): a syntax error next to a
 * misplaced secret must not print it. Duplicate keys are named, as they are names.
 */
export function syntaxErrorMessage(e: YAMLError, text: string): string {
  if (e.code === 'DUPLICATE_KEY') {
    const key = /^(?:"([^"\n]*)"|'([^'\n]*)'|([^:#\n]+?))\s*:/.exec(text.slice(e.pos[0]));
    const name = key?.[1] ?? key?.[2] ?? key?.[3];
    return name !== undefined && NAME_LIKE.test(name) ? `duplicate key "${name}"` : 'duplicate key';
  }
  if (e.code === 'BAD_DQ_ESCAPE') return 'invalid escape sequence in a double-quoted string';
  return firstLine(e.message).split(': ')[0]!;
}

/**
 * The `yaml` library, loaded on first use: modules that only need pointers (the scanner's rules)
 * import this one, and a pre-commit scan that reports nothing never pays for loading it.
 */
export function yamlLibrary(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}
