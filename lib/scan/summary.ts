import { slicePositions, slicesOf } from './parse';
import type { ManifestDocument, ObjectRef, ParseProblem, Position, ScanFile } from './types';

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

/** Where a document is, from its text read again: its own text and `positionOf`. */
export interface Located {
  readonly text: string;
  positionOf(pointer: string, opts?: { key?: boolean }): Position;
}

/**
 * Reads a file again, decoded and split as the scan read it (`read` is called on every use: the
 * text is not kept). One per file, shared by its summary documents.
 */
export class FileReader {
  constructor(private readonly read: () => Pick<ScanFile, 'kind' | 'text'>) {}

  fileText(): string {
    return this.read().text;
  }

  locate(index: number): Located {
    // One document is remembered for the whole process, not one per file: a rule reporting several
    // findings on a document reads it once, and no file's text stays alive per file.
    if (lastLocated?.reader === this && lastLocated.index === index) return lastLocated.located;
    const slice = slicesOf(this.read()).find((s) => s.index === index) ?? { text: '', startLine: 0, index };
    const located = { text: slice.text, positionOf: slicePositions(slice) };
    lastLocated = { reader: this, index, located };
    return located;
  }
}

let lastLocated: { readonly reader: FileReader; readonly index: number; readonly located: Located } | undefined;

/** A file as its summary documents show it: `text` is read again when a rule asks for it. */
export function summaryFile(file: Pick<ScanFile, 'path' | 'kind' | 'helmValues'>, reader: FileReader): ScanFile {
  return {
    path: file.path,
    kind: file.kind,
    ...(file.helmValues ? { helmValues: true } : {}),
    get text() {
      return reader.fileText();
    },
  };
}

const NO_SUPPRESSIONS: ReadonlySet<string> = new Set();

/**
 * The document a project rule with `summarize` receives: the summary as `value`, the identity
 * (file, index, object, suppressions) of the document it was made from, and text and positions
 * read again on demand. Nothing of the file's text stays in memory until then. A class, not an
 * object of closures: a large tree has hundreds of thousands of these.
 */
export class SummaryDocument implements ManifestDocument {
  readonly suppressed: ReadonlySet<string>;

  constructor(
    readonly file: ScanFile,
    readonly index: number,
    readonly value: unknown,
    readonly object: ObjectRef | undefined,
    suppressed: readonly string[],
    private readonly reader: FileReader,
    readonly problem?: ParseProblem,
  ) {
    this.suppressed = suppressed.length > 0 ? new Set(suppressed) : NO_SUPPRESSIONS;
  }

  get text(): string {
    return this.reader.locate(this.index).text;
  }

  positionOf(pointer: string, opts?: { key?: boolean }): Position {
    return this.reader.locate(this.index).positionOf(pointer, opts);
  }
}
