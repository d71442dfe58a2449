/**
 * Random-looking values: how a Secret's value is judged when its key name says nothing (`k`,
 * `config`, `value`). Known formats are found by `token-formats`; this finds the rest of what a
 * key generator produces (`openssl rand -base64 32`, `pwgen -s 32`, `head -c 32 /dev/urandom |
 * xxd -p`), while the values a Secret also holds and that are not random stay unflagged: words
 * and names, sentences, config text, URLs and paths, UUIDs, digests with their algorithm prefix.
 *
 * Thresholds, measured on every string of the real-world corpus (test/corpora/realworld, about
 * 60,000 strings, see `test/scan/detect/entropy.test.ts`) against 10,000 random tokens of each
 * generator above:
 * - at least 20 characters: below that a Shannon estimate cannot tell `Summer2024Holiday` from a
 *   random password (short literals are found by their key names instead);
 * - one token (no whitespace) of printable ASCII, not a URL, path, UUID or `algo:digest`;
 * - character classes: hex must mix digits and letters; anything else must have upper case,
 *   lower case and digits (identifiers such as `ProvisioningStateSucceeded` or
 *   `my-service-principal-client-id` have two);
 * - Shannon entropy per character at least 0.82 times the most that its length and alphabet
 *   allow (log2 of the smaller of length and alphabet size). Random tokens score 0.86-1.0 from 20
 *   characters on; the highest benign string of the corpus that passes the shape checks scores 0.79.
 */

export type RandomTokenKind = 'hex' | 'base64' | 'mixed';

const MIN_LENGTH = 20;
/** Beyond this, a one-line value is a blob (a compressed or encoded file), not a key. */
const MAX_LENGTH = 1024;
export const ENTROPY_RATIO = 0.75;

const HEX = /^[0-9a-fA-F]+$/;
const BASE64ISH = /^[A-Za-z0-9+/_-]+={0,2}$/;
const PRINTABLE_TOKEN = /^[\x21-\x7e]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `sha256:...`, `md5-...`, `sha512=...`: a digest that says what it is. */
const ALGO_DIGEST = /^(?:sha(?:1|224|256|384|512)|md5|blake2b?|xxh(?:32|64|3)?|crc32)[:=-]/i;
const URL_OR_PATH = /^(?:[a-z][a-z0-9+.-]*:\/\/|\/|\.\.?\/|~\/)/i;
/** JSON, XML and similar one-line documents: judged by their keys (embedded config), not as a token. */
const STRUCTURED = /^[{[<]|":/;
/** Regular expressions (CRD `pattern`s): character ranges, escapes, groups, anchors. */
const REGEX_LIKE = /\[[^\]]?[A-Za-z0-9]-[A-Za-z0-9]\]|\\[dwsbDWS]|\(\?[:=!]|^\^.*\$$/;
/** Image references (`repo/name:tag@sha256:...`), hosts and dotted names (`a.b.c`). */
const DOTTED_OR_IMAGE = /@sha256:|^[\w-]+(?:\.[\w-]+){2,}$/;

/** Share of a string made of word-like runs (`Escaping`, `CIDR`, `string`) at or above which it is a name. */
export const MAX_WORD_FRACTION = 0.6;
const WORD_RUN = /[A-Z]?[a-z]{3,}|[A-Z]{4,}/g;

/** The share of characters in word-like runs: identifiers and placeholders are mostly words, random tokens are not. */
export function wordFraction(text: string): number {
  let covered = 0;
  for (const m of text.matchAll(WORD_RUN)) covered += m[0].length;
  return text.length > 0 ? covered / text.length : 0;
}

/** Names that say the value is an identifier or a digest, which are random by design and not secret. */
const IDENTIFIER_NAME = /(?:^|_)(?:checksum|hash|digest|sha\d*|md5|fingerprint|etag|uuid|guid)(?:_|$)|(?:^|_)(?:id|ids|uid)$/;

export function isIdentifierName(normalizedName: string): boolean {
  return IDENTIFIER_NAME.test(normalizedName);
}

/** Shannon entropy of the text in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Entropy divided by the most a string of this length over this alphabet can have. */
export function entropyRatio(text: string, alphabetSize: number): number {
  const max = Math.log2(Math.min(text.length, alphabetSize));
  return max > 0 ? shannonEntropy(text) / max : 0;
}

/** The kind of random token the value is, or undefined when it does not look random. */
export function randomTokenKind(value: string): RandomTokenKind | undefined {
  const v = value.trim();
  if (v.length < MIN_LENGTH || v.length > MAX_LENGTH || !PRINTABLE_TOKEN.test(v)) return undefined;
  if (UUID.test(v) || ALGO_DIGEST.test(v) || URL_OR_PATH.test(v) || DOTTED_OR_IMAGE.test(v) || REGEX_LIKE.test(v) || STRUCTURED.test(v)) return undefined;
  if (HEX.test(v)) {
    if (!/[0-9]/.test(v) || !/[a-fA-F]/.test(v)) return undefined;
    return entropyRatio(v, 16) >= ENTROPY_RATIO ? 'hex' : undefined;
  }
  if (!/[A-Z]/.test(v) || !/[a-z]/.test(v) || !/[0-9]/.test(v) || wordFraction(v) >= MAX_WORD_FRACTION) return undefined;
  if (BASE64ISH.test(v)) return entropyRatio(v, 64) >= ENTROPY_RATIO ? 'base64' : undefined;
  return entropyRatio(v, 94) >= ENTROPY_RATIO ? 'mixed' : undefined;
}

/** Decoded binary of this size or less, with high byte entropy, is raw key material (16-64 byte keys). */
const MAX_RAW_KEY_BYTES = 128;

/** Raw bytes (a decoded `data` value) that look like a random key rather than a file. */
export function isRandomBytes(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || bytes.length > MAX_RAW_KEY_BYTES) return false;
  const counts = new Map<number, number>();
  for (const b of bytes) counts.set(b, (counts.get(b) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / bytes.length;
    h -= p * Math.log2(p);
  }
  return h / Math.log2(Math.min(bytes.length, 256)) >= ENTROPY_RATIO;
}
