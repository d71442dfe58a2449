import { ACCESS_KEY_PATTERN, ACCESS_KEY_PREFIX } from './detect/access-key-shape';
import { randomTokenKind } from './detect/entropy';
import { findTokens } from './detect/token-formats';

/** Characters of user input a message may quote: enough to recognise a typo, never a payload. */
export const QUOTED_INPUT_MAX = 80;

const ACCESS_KEY_LIKE = new RegExp(ACCESS_KEY_PATTERN.source);

/** What replaces a run of input that has a known token's shape (GitHub, AWS, Slack, ... lib/detect/token-formats.ts). */
export const MASKED_TOKEN = '<masked: token-shaped>';
/** What replaces a run of input that looks generated (lib/detect/entropy.ts: 20+ characters, random-looking). */
export const MASKED_RANDOM = '<masked: random-looking>';

/**
 * Where one run of input ends: whitespace, quotes and the separators of `a=b`, `a:b`, `a,b`
 * lists. `=` ends a run too, so `--token=<value>` is judged by its value; base64 padding lost
 * this way does not change the verdict. `/`, `+`, `-` and `_` stay inside (base64 and token
 * alphabets).
 */
const RUN_SEPARATOR = /[\s"'`,;:=()<>[\]{}]+/;
/** The entropy detector judges at most this many characters; a longer run is judged by its head. */
const JUDGED_RUN_MAX = 1024;

/**
 * User input as it may appear in a message, result, audit record or log line: masked first (text
 * that looks like an access key is replaced by a placeholder; any known token format and any
 * random-looking run is replaced in place by `<masked: ...>`: a credential pasted where a name
 * belongs must not be echoed), then cut to QUOTED_INPUT_MAX characters, then JSON-quoted (newlines
 * and control characters escaped, so input cannot forge a log line). The one helper for every
 * echo of input: CLI, access keys and the MCP server.
 */
export function quoteInput(value: unknown): string {
  return JSON.stringify(clipInput(value));
}

/** `quoteInput` without the quotes, for structured fields (an audit record's `environment`). */
export function clipInput(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : `(${typeof value})`;
  if (text.includes(ACCESS_KEY_PREFIX) || ACCESS_KEY_LIKE.test(text)) return '(a value that looks like an access key, not shown)';
  const chars = [...maskSecretShapes(text)];
  return chars.length > QUOTED_INPUT_MAX ? chars.slice(0, QUOTED_INPUT_MAX).join('') + `… (${[...text].length} characters)` : chars.join('');
}

/**
 * The text with every token-shaped span and every random-looking run replaced by a label saying
 * what was there. Masking happens before clipping, so a token cut at the clip boundary (no longer
 * matching its format) is never shown in part.
 */
export function maskSecretShapes(text: string): string {
  if (text.length === 0) return text;
  // Known formats first, by offset: they may span separators (a Slack webhook URL).
  let masked = '';
  let at = 0;
  for (const hit of findTokens(text)) {
    if (hit.index < at) continue;
    masked += text.slice(at, hit.index) + MASKED_TOKEN;
    at = hit.index + hit.length;
  }
  masked += text.slice(at);
  // Then each run between separators, judged as a generated value would be in a Secret.
  let out = '';
  let start = 0;
  const separators = new RegExp(RUN_SEPARATOR.source, 'g');
  for (let m = separators.exec(masked); ; m = separators.exec(masked)) {
    const end = m ? m.index : masked.length;
    const run = masked.slice(start, end);
    out += run.length > 0 && randomTokenKind(run.slice(0, JUDGED_RUN_MAX)) ? MASKED_RANDOM : run;
    if (!m) break;
    out += m[0];
    start = m.index + m[0].length;
  }
  return out;
}
