import { slicePositions, slicesOf } from './parse';
import type { ManifestDocument, ParseProblem, Position, ScanFile } from './types';

/**
 * Per-document summaries for project (cross-file) rules. A project rule runs once, after every file
 * was read; keeping each document it may read (its parsed value, its text and, through sliced
 * strings, the text of its whole file) until then made memory grow with the tree (1.75 GB on
 * 100,000 documents). A rule that declares `summarize` keeps instead, per document, only the part
 * of the value it reads: the engine hands `checkProject` documents whose `value` is that summary,
 * whose `text` and `file.text` are read again from the source when a rule asks for them, and whose
 * positions are computed only for the findings that need one.
 */

/**
 * Which part of a document value a rule reads, as data: `true` keeps the node as it is; `null`
 * keeps only that the node exists (its value becomes `null`); an object keeps the keys it names,
 * each pruned by its own shape, `'*'` standing for every other key. An object shape applied to an
 * array applies to each item (indices, and so JSON pointers, are kept); applied to a scalar it
 * keeps the scalar. Key order is the document's.
 */
export type Shape = true | null | { readonly [key: string]: Shape };

export function prune(value: unknown, shape: Shape): unknown {
  if (shape === true) return value;
  if (shape === null) return null;
  if (Array.isArray(value)) return value.map((v) => prune(v, shape));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const other = Object.hasOwn(shape, '*') ? shape['*'] : undefined;
  for (const k of Object.keys(value)) {
    const sub = Object.hasOwn(shape, k) ? shape[k] : other;
    if (sub === undefined) continue;
    // A `__proto__` key of a document is data (js-yaml defines it as an own property): keep it so.
    Object.defineProperty(out, k, { value: prune((value as Record<string, unknown>)[k], sub), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * A summary as it is kept: a structured clone, so that no string of it is a slice of the file
 * text it was parsed from (a slice keeps the whole file alive).
 */
export function detached<T>(summary: T): T {
  return structuredClone(summary);
}

/** Reads the text of one document of a file again, as the scan saw it (same decoding, same split). */
export interface DocumentReader {
  /** The file's text as the rules saw it. */
  fileText(): string;
  /** A locator for the document: its text and `positionOf`, built from the text read again. */
  locate(): { readonly text: string; positionOf(pointer: string, opts?: { key?: boolean }): Position };
}

/** A reader of document `index` of the file `read` returns (called again on every read: nothing is kept). */
export function documentReader(read: () => Pick<ScanFile, 'kind' | 'text'>, index: number): DocumentReader {
  return {
    fileText: () => read().text,
    locate: () => {
      const slice = slicesOf(read()).find((s) => s.index === index) ?? { text: '', startLine: 0, index };
      return { text: slice.text, positionOf: slicePositions(slice) };
    },
  };
}

/**
 * The document a project rule with `summarize` receives: the summary as `value`, the identity
 * (file path, index, object, suppressions) of the document it was made from, and text and
 * positions read again on demand. Nothing of the file's text stays in memory until then.
 */
export function summaryDocument(doc: ManifestDocument, summary: unknown, reader: DocumentReader): ManifestDocument {
  const source = doc.file;
  let located: ReturnType<DocumentReader['locate']> | undefined;
  const locate = () => (located ??= reader.locate());
  const file: ScanFile = {
    path: source.path,
    kind: source.kind,
    ...(source.helmValues ? { helmValues: true } : {}),
    get text() {
      return reader.fileText();
    },
  };
  const problem: ParseProblem | undefined = doc.problem ? { ...doc.problem } : undefined;
  return {
    file,
    index: doc.index,
    get text() {
      return locate().text;
    },
    value: summary,
    ...(doc.object ? { object: detached(doc.object) } : {}),
    positionOf: (pointer, opts) => locate().positionOf(pointer, opts),
    suppressed: new Set(doc.suppressed),
    ...(problem ? { problem } : {}),
  };
}
