import { ACCESS_KEY_PATTERN, ACCESS_KEY_PREFIX } from './access-key-shape';

/** Characters of user input a message may quote: enough to recognise a typo, never a payload. */
export const QUOTED_INPUT_MAX = 80;

const ACCESS_KEY_LIKE = new RegExp(ACCESS_KEY_PATTERN.source);

/**
 * User input as it may appear in a message, result, audit record or log line: masked first (text
 * that looks like an access key is replaced by a placeholder: a key pasted where a name belongs
 * must not be echoed), then cut to QUOTED_INPUT_MAX characters, then JSON-quoted (newlines and
 * control characters escaped, so input cannot forge a log line). The one helper for every echo of
 * input: CLI, access keys and the MCP server.
 */
export function quoteInput(value: unknown): string {
  return JSON.stringify(clipInput(value));
}

/** `quoteInput` without the quotes, for structured fields (an audit record's `environment`). */
export function clipInput(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : `(${typeof value})`;
  if (text.includes(ACCESS_KEY_PREFIX) || ACCESS_KEY_LIKE.test(text)) return '(a value that looks like an access key, not shown)';
  const chars = [...text];
  return chars.length > QUOTED_INPUT_MAX ? chars.slice(0, QUOTED_INPUT_MAX).join('') + `… (${chars.length} characters)` : text;
}
