import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { pointerSegments } from '../yaml-source';
import { Annotations } from '../constructs/metadata';
import type { FileKind, ManifestDocument, ObjectRef, Position, ScanFile } from './types';

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

export interface ParseProblem {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

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
  const doc = parseDocument(slice.text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: false });
  const toFile = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line + slice.startLine, column: p.col };
  };
  const err = doc.errors[0];
  if (err) {
    const pos = toFile(err.pos[0]);
    return { message: syntaxMessage(err.code, err.message), line: pos.line, column: pos.column };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const pos = toFile(0);
    const msg = String((e as Error).message ?? '');
    return { message: /alias/i.test(msg) ? 'too many alias expansions (possible alias bomb)' : 'document cannot be converted', line: pos.line, column: pos.column };
  }
  const positionOf = (pointer: string, opts: { key?: boolean } = {}): Position => {
    const node = nodeAt(doc.contents as YamlNode | null, pointer, opts.key ?? false);
    return node?.range ? toFile(node.range[0]) : toFile(0);
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

function syntaxMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key in a mapping';
  // yaml's messages can quote the source line; keep only the first sentence, which names the problem.
  const first = message.split('\n')[0]!.replace(/\s+at line \d+, column \d+.*$/, '').trim();
  return first.length > 120 ? first.slice(0, 117) + '...' : first;
}
