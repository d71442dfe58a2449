import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { pointerSegments } from '../yaml-source';
import { Annotations } from '../constructs/metadata';
import type { FileKind, ManifestDocument, ObjectRef, ParseProblem, Position, ScanFile } from './types';

/**
 * Turns a file's text into documents for the rules. Documents are split on `---` lines first, so a
 * caller can decide from each slice's raw text whether it is worth parsing at all (the fast path),
 * and a broken document does not hide the healthy ones around it.
 */

/** Alias expansion bound: an alias bomb becomes a parse error, not an out-of-memory. */
export const MAX_ALIAS_COUNT = 100;

export interface DocumentSlice {
  readonly text: string;
  /** 0-based line of the slice's first line within the file. */
  readonly startLine: number;
  readonly index: number;
}

export type { ParseProblem };

/** What kind of file a path is, or undefined when the scanner does not read it. */
export function classifyFile(path: string, text?: string): FileKind | undefined {
  const p = path.replace(/\\/g, '/');
  if (/\.(ya?ml)$/i.test(p) || /\.ya?ml\.(gotmpl|j2|tpl)$/i.test(p)) {
    if (/(^|\/)templates\//.test(p) || /\.(gotmpl|j2|tpl)$/i.test(p)) return 'helm-template';
    if (text !== undefined && /\{\{[-\s]/.test(text) && /\{\{.*\}\}/.test(text)) return 'helm-template';
    return 'yaml';
  }
  if (/\.json$/i.test(p)) return 'json';
  if (/\.tpl$/i.test(p)) return 'helm-template';
  return undefined;
}

/** Splits YAML text on document markers (`---` at column 0), keeping line offsets. */
export function splitDocuments(text: string): DocumentSlice[] {
  const lines = text.split('\n');
  const out: DocumentSlice[] = [];
  let start = 0;
  const flush = (end: number) => {
    const body = lines.slice(start, end).join('\n');
    // Only comments and blank lines: no document.
    if (/^[ \t]*[^#\s]/m.test(body)) out.push({ text: body, startLine: start, index: out.length });
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^---(\s|$)/.test(l)) {
      flush(i);
      const rest = l.slice(3).trim();
      if (rest && !rest.startsWith('#')) {
        // `--- {a: 1}` or `--- !tag`: the document starts on this very line.
        lines[i] = '   ' + l.slice(3);
        start = i;
      } else start = i + 1;
    } else if (/^\.\.\.\s*$/.test(l)) {
      flush(i);
      start = i + 1;
    }
  }
  flush(lines.length);
  return out;
}

/**
 * Parses one slice into a ManifestDocument, or a ParseProblem with its file position. JSON files
 * go through the same parser (JSON is YAML) so positions work alike.
 */
export function parseSlice(file: ScanFile, slice: DocumentSlice): ManifestDocument | ParseProblem {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(slice.text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: false, logLevel: 'silent' });
  } catch (e) {
    // The parser recurses: pathological nesting can exhaust the stack.
    return { message: e instanceof RangeError ? 'nested too deeply' : 'cannot be parsed', line: slice.startLine + 1, column: 1 };
  }
  const toFile = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line + slice.startLine, column: p.col };
  };
  const err = doc.errors[0];
  if (err) {
    const pos = toFile(err.pos[0]);
    return { message: syntaxMessage(err.code), line: pos.line, column: pos.column };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const pos = toFile(0);
    const msg = String((e as Error).message ?? '');
    const what = /alias/i.test(msg) ? 'too many alias expansions (possible alias bomb)' : e instanceof RangeError ? 'nested too deeply' : 'document cannot be converted';
    return { message: what, line: pos.line, column: pos.column };
  }
  // The syntax tree is large; documents are kept (for project rules) as plain values and the tree
  // is rebuilt only when a finding needs a position.
  let tree: { contents: YamlNode | null; toFile: (offset: number) => Position } | undefined;
  const positionOf = (pointer: string, opts: { key?: boolean } = {}): Position => {
    if (!tree) {
      const lc = new LineCounter();
      const again = parseDocument(slice.text, { lineCounter: lc, prettyErrors: false, strict: false, logLevel: 'silent' });
      tree = {
        contents: again.contents as YamlNode | null,
        toFile: (offset) => {
          const p = lc.linePos(offset);
          return { line: p.line + slice.startLine, column: p.col };
        },
      };
    }
    const node = nodeAt(tree.contents, pointer, opts.key ?? false);
    return tree.toFile(node?.range ? node.range[0] : 0);
  };
  const object = objectRef(value);
  return { file, index: slice.index, text: slice.text, value, object, positionOf, suppressed: suppressedRules(value) };
}

export function isParseProblem(x: ManifestDocument | ParseProblem): x is ParseProblem {
  return (x as ParseProblem).message !== undefined && (x as ManifestDocument).file === undefined;
}

/** Parses every document of a file (no fast path): for tests and for files a rule needs whole. */
export function parseFile(file: ScanFile): { docs: ManifestDocument[]; problems: ParseProblem[] } {
  const docs: ManifestDocument[] = [];
  const problems: ParseProblem[] = [];
  const slices = file.kind === 'json' ? [{ text: file.text, startLine: 0, index: 0 }] : splitDocuments(file.text);
  for (const s of slices) {
    const r = parseSlice(file, s);
    if (isParseProblem(r)) problems.push(r);
    else docs.push(r);
  }
  return { docs, problems };
}

/** apiVersion, kind, metadata.name and metadata.namespace when the value looks like a Kubernetes object. */
export function objectRef(value: unknown): ObjectRef | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.kind !== 'string') return undefined;
  const meta = (v.metadata && typeof v.metadata === 'object' ? v.metadata : {}) as Record<string, unknown>;
  return {
    ...(typeof v.apiVersion === 'string' ? { apiVersion: v.apiVersion } : {}),
    kind: v.kind,
    ...(typeof meta.name === 'string' ? { name: meta.name } : {}),
    ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
  };
}

/**
 * Rules named by `secretops.dev/ignore: <rule>[,<rule>] -- <reason>`. Without a reason the
 * annotation does not count: exceptions must say why.
 */
export function suppressedRules(value: unknown): ReadonlySet<string> {
  const raw = parseIgnoreAnnotation(annotationOf(value, Annotations.ignore));
  return new Set(raw?.reason ? raw.rules : []);
}

export function parseIgnoreAnnotation(text: string | undefined): { rules: string[]; reason: string } | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(?:--\s*(.*))?$/s.exec(text);
  if (!m) return undefined;
  return { rules: m[1]!.split(',').map((r) => r.trim()), reason: (m[2] ?? '').trim() };
}

function annotationOf(value: unknown, name: string): string | undefined {
  const meta = (value as { metadata?: { annotations?: Record<string, unknown> } } | null)?.metadata;
  const a = meta?.annotations?.[name];
  return typeof a === 'string' ? a : undefined;
}

function nodeAt(root: YamlNode | null, pointer: string, key: boolean): YamlNode | undefined {
  let node: unknown = root;
  let keyNode: unknown;
  for (const seg of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node)) {
      const i = Number(seg);
      if (!Number.isInteger(i) || i < 0 || i >= node.items.length) break;
      keyNode = undefined;
      node = node.items[i];
    } else break;
  }
  return ((key && keyNode ? keyNode : node ?? keyNode) as YamlNode | undefined) ?? undefined;
}

/**
 * A fixed description per yaml error code: the library's own messages can quote the offending
 * source, and the source may be a secret.
 */
const SYNTAX_MESSAGES: Record<string, string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or a tag',
  BAD_ALIAS: 'an alias names no anchor defined before it',
  BAD_COLLECTION_TYPE: 'a collection has the wrong type for its tag',
  BAD_DIRECTIVE: 'invalid directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'wrong indentation',
  BAD_PROP_ORDER: 'anchor and tag in the wrong order',
  BAD_SCALAR_START: 'a plain value cannot start with this character',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection used as an implicit key',
  BLOCK_IN_FLOW: 'a block collection inside a flow collection',
  DUPLICATE_KEY: 'duplicate key in a mapping',
  KEY_OVER_1024_CHARS: 'an implicit key longer than 1024 characters',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  MULTILINE_IMPLICIT_KEY: 'an implicit key spans several lines',
  MULTIPLE_ANCHORS: 'a node with several anchors',
  MULTIPLE_DOCS: 'several documents where one was expected',
  MULTIPLE_TAGS: 'a node with several tags',
  NON_STRING_KEY: 'a mapping key that is not a string',
  TAB_AS_INDENT: 'a tab used for indentation',
  TAG_RESOLVE_FAILED: 'a value does not match its tag',
  UNEXPECTED_TOKEN: 'unexpected token',
};

function syntaxMessage(code: string): string {
  return SYNTAX_MESSAGES[code] ?? `syntax error (${code.toLowerCase().replace(/_/g, ' ')})`;
}
