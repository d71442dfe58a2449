import { splitDocuments, type DocumentSlice } from '../../lib/scan/parse';
import type { ManifestDocument, Position, ScanFile } from '../../lib/scan/types';
import { findTokens, hitAnchor, type TokenHit } from '../helpers/detect/token-formats';
import { lineLocator } from '../helpers/detect/text-position';

/**
 * Token formats in raw text: what the parsed values cannot show (comments, keys, template actions,
 * files that do not parse). Hits already seen in a value are skipped through their anchors.
 */
export interface RawHit {
  readonly hit: TokenHit;
  readonly position: Position;
  readonly inComment: boolean;
}

/**
 * Message tails that tell repeated hits apart ("in a comment", "in a comment (#2)"): a finding
 * without a pointer is identified by its message.
 */
export function numberedPlaces(hits: readonly RawHit[]): string[] {
  const seen = new Map<string, number>();
  return hits.map((r) => {
    const place = r.inComment ? 'a comment' : 'its text';
    const key = `${r.hit.format.id} ${place}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? place : `${place} (#${n})`;
  });
}

export function rawHits(text: string, firstLine: number, anchors: ReadonlySet<string>): RawHit[] {
  const out: RawHit[] = [];
  const locate = lineLocator(text, firstLine);
  for (const hit of findTokens(text)) {
    if (anchors.has(hitAnchor(text, hit))) continue;
    const position = locate(hit.index);
    const prefix = text.slice(hit.index - position.column + 1, hit.index);
    out.push({ hit, position, inComment: /(^|\s)#/.test(prefix) });
  }
  return out;
}

const slicesByFile = new WeakMap<ScanFile, DocumentSlice[]>();

/** 1-based file line of a document's first line (its slice of the file). */
export function documentFirstLine(doc: ManifestDocument): number {
  if (doc.file.kind === 'json') return 1;
  let slices = slicesByFile.get(doc.file);
  if (!slices) {
    slices = splitDocuments(doc.file.text);
    slicesByFile.set(doc.file, slices);
  }
  const slice = slices[doc.index];
  if (slice && slice.text === doc.text) return slice.startLine + 1;
  // The engine sliced differently: find the text itself.
  const at = doc.file.text.indexOf(doc.text);
  return at < 0 ? 1 : lineLocator(doc.file.text)(at).line;
}
