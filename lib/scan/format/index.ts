import type { ScanResult } from '../types';
import { formatJson } from './json';
import { formatMarkdown } from './markdown';
import { formatSarif, SarifOptions } from './sarif';
import { formatText, TextOptions } from './text';

export const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
export type ScanFormat = (typeof FORMATS)[number];

export type FormatOptions = TextOptions & SarifOptions;

/** Every formatter is a pure function of the result; this picks one by name. */
export function formatResult(format: ScanFormat, result: ScanResult, opts: FormatOptions = {}): string {
  switch (format) {
    case 'json':
      return formatJson(result);
    case 'sarif':
      return formatSarif(result, opts);
    case 'markdown':
      return formatMarkdown(result);
    case 'text':
      return formatText(result, opts);
  }
}

export { formatJson, formatMarkdown, formatSarif, formatText };
