import type { Position } from '../../../lib/scan/types';

/**
 * 1-based line and column of offsets in a text, for hits found by regex in raw text. Offsets
 * usually come in increasing order, so lines are counted incrementally: one pass over the text
 * for all hits, not one per hit.
 */
export function lineLocator(text: string, firstLine = 1): (offset: number) => Position {
  let line = firstLine;
  let counted = 0;
  return (offset) => {
    if (offset < counted) {
      line = firstLine;
      counted = 0;
    }
    for (let i = text.indexOf('\n', counted); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    counted = offset;
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    return { line, column: offset - lineStart + 1 };
  };
}
