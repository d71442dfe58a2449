/**
 * Strict base64 decoding for Secret `data`: Kubernetes requires standard base64, so a value that is
 * not valid base64 is something else (a placeholder such as `<BASE64_ENCODED_KEY>`, a template) and
 * is classified as written.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export type DecodedData =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: number; readonly data: Uint8Array };

/** Decodes a `data` value; undefined when it is not valid base64. Whitespace (line wraps) is ignored. */
export function decodeBase64Data(value: string): DecodedData | undefined {
  const compact = value.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  try {
    return { kind: 'text', text: utf8.decode(bytes) };
  } catch {
    return { kind: 'binary', bytes: bytes.length, data: bytes };
  }
}
